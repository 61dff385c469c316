import { CreateUser, UpdateUser, User, UserList } from '../../contract/auth.js';
import { route, type RouteDef } from '../../http/route.js';
import type { UserService } from './user.service.js';

export function userRoutes(users: UserService): RouteDef[] {
  return [
    route({ method: 'get', path: '/api/v1/users', summary: 'List staff accounts', tag: 'users', permission: 'users.read', response: UserList, handler: () => ({ items: users.list() }) }),
    route({
      method: 'post',
      path: '/api/v1/users',
      summary: 'Create a staff account with a role and hotel grants',
      tag: 'users',
      permission: 'users.write',
      body: CreateUser,
      response: User,
      status: 201,
      handler: ({ body, actor }) => users.create(body, actor),
    }),
    route({ method: 'get', path: '/api/v1/users/:userId', summary: 'Read one staff account', tag: 'users', permission: 'users.read', response: User, handler: ({ params }) => users.get(params.userId!) }),
    route({
      method: 'patch',
      path: '/api/v1/users/:userId',
      summary: "Change a staff account's name, role, grants, password or active flag (sessions are revoked when access changes)",
      tag: 'users',
      permission: 'users.write',
      body: UpdateUser,
      response: User,
      handler: ({ params, body, actor }) => users.update(params.userId!, body, actor),
    }),
  ];
}
