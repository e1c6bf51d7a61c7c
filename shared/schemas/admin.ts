// Role mappings (who gets which roles by email) and the shapes every answer shares.
import * as v from 'valibot';
import { ROLES } from '../types.js';
import { strict } from './core.js';

const ROLE_LIST = `must be a list of: ${ROLES.join(', ')}`;

export const RoleMappingInput = strict({
  roles: v.pipe(v.array(v.picklist(ROLES, ROLE_LIST), ROLE_LIST), v.description('Repeated roles count once')),
});

export const RoleMapping = v.object({ email: v.string(), roles: v.array(v.picklist(ROLES)) });
