// The roles of GarmentFlow, in one place: the token claim `roles`, the Cognito scopes
// `garmentflow/<role>`, the role mappings of Google users, the routes' role sets and the stack's
// machine clients all name roles from this list.

export const ROLES = ['admin', 'commercial', 'planner', 'approver', 'logistics', 'viewer', 'system'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The known roles among `words`, in ROLES order, each once; anything else is ignored. */
export function knownRoles(words: Iterable<string>): Role[] {
  const found = new Set(words);
  return ROLES.filter((r) => found.has(r));
}

/** Who may call what: each route names one of these sets (functions/http/routes.ts). */
export const ROLE_SETS = {
  any: ROLES,
  design: ['admin', 'commercial', 'planner'],
  moveTechPacks: ['admin', 'commercial', 'planner', 'approver'],
  openOrders: ['admin', 'commercial', 'planner', 'system'],
  editOrders: ['admin', 'commercial', 'planner'],
  plan: ['admin', 'planner'],
  admin: ['admin'],
  sell: ['admin', 'commercial', 'system'],
  stockWrite: ['admin', 'logistics', 'system'],
  runJobs: ['admin', 'system'],
  refreshMaterials: ['admin', 'planner', 'logistics'],
  /** An order's milestones: marked done or re-dated by planners (and admin). */
  milestones: ['admin', 'planner'],
  /** IQ templates and inspections. */
  quality: ['admin', 'planner', 'approver'],
} as const satisfies Record<string, readonly Role[]>;
