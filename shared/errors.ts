// Typed domain errors. Each carries the HTTP status it maps to, so the one error middleware can
// answer in the CONTRACT's shape without knowing any rule.

export interface FieldProblem {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(readonly problems: FieldProblem[]) {
    super(400, 'VALIDATION_FAILED', problems.map((p) => `${p.field}: ${p.message}`).join('; '), { fields: problems });
  }
}

export class NotFoundError extends DomainError {
  constructor(kind: string, id: string) {
    super(404, 'NOT_FOUND', `${kind} ${id} does not exist`, { kind, id });
  }
}

/** A state or business rule refuses the request (409). */
export class ConflictError extends DomainError {
  constructor(code: string, message: string, details?: unknown) {
    super(409, code, message, details);
  }
}

export class IllegalTransitionError extends ConflictError {
  constructor(kind: string, from: string, action: string) {
    super('ILLEGAL_TRANSITION', `A ${kind} in state ${from} cannot ${action}`, { from, action });
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super(403, 'FORBIDDEN', message);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'A valid bearer token is required') {
    super(401, 'UNAUTHORIZED', message);
  }
}

export class PreconditionRequiredError extends DomainError {
  constructor() {
    super(428, 'PRECONDITION_REQUIRED', 'This request needs an If-Match header with the version you read (the ETag)');
  }
}

export class PreconditionFailedError extends DomainError {
  constructor(current: unknown) {
    super(
      412,
      'PRECONDITION_FAILED',
      'The resource changed since you read it: re-read it and apply your change again',
      { current },
    );
  }
}
