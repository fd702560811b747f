"""The error codes the emulation answers with, each built the way the real CCC API words it.

Codes, HTTP statuses and messages come from the CCC 2020-07-01 common error codes and per-API pages
(see docs ccc-api.md §1 and §4). Where the documentation names no code for a case, the choice is
written next to the function. How each parameter problem maps to a code:

| problem                                        | code                                  | HTTP |
|------------------------------------------------|---------------------------------------|------|
| skill group id unknown in the instance         | `NotExists.SkillGroupId` *            | 404  |
| skill group name taken                         | `AlreadyExists.SkillGroupId` *        | 409  |
| skill group with agents/numbers, no Force      | `InUse.SkillGroup` *                  | 400  |
| user id (or extension) unknown in the instance | `NotExists.UserId` *                  | 404  |
| login name taken                               | `AlreadyExists.User` *                | 409  |
| role id not one of the instance's three roles  | `NotExists.RoleId`                    | 404  |
| membership exists (Add*)                       | `AlreadyExists.SkillLevel`            | 409  |
| membership missing (Remove*, Modify*Level*)    | `NotExists.SkillLevel`                | 404  |
| number not in the instance                     | `NotExists.Number` *                  | 404  |
| number already linked to the skill group       | `AlreadyExists.SkillGroupPhoneNumber` | 409  |
| number not linked to the skill group           | `NotExists.SkillGroupPhoneNumber`     | 404  |
| contact flow id unknown in the instance        | `NotExists.ContactFlowId`             | 404  |
| contact flow name taken in the instance        | `AlreadyExists.ContactFlowName`       | 409  |
| flow that numbers answer with, no Force        | `InUse.ContactFlow`                   | 400  |
| draft id is not the flow's open draft          | `NotExists.DraftId`                   | 404  |

`*`: named by the CCC documentation. The others follow the documented families
(`NotExists.*Id`, `AlreadyExists.*`, and `InUse.*` with HTTP 400 as `InUse.SkillGroup` has).
"""

from __future__ import annotations

from collections.abc import Iterable

from ccc_emulator.errors import CccApiError


def parameter_null(name: str) -> CccApiError:
    return CccApiError("Parameter.Null", f"The parameter {name} must not be null.", 400)


def parameter_blank(name: str) -> CccApiError:
    return CccApiError("Parameter.Blank", f"The parameter {name} must not be blank.", 400)


def parameter_empty(name: str) -> CccApiError:
    return CccApiError("Parameter.Empty", f"The parameter {name} must not be empty.", 400)


def parameter_too_long(name: str, limit: int) -> CccApiError:
    message = f"The length of parameter {name} must be less than or equal to {limit}."
    return CccApiError("Parameter.Maximum", message, 400)


def parameter_too_short(name: str, limit: int) -> CccApiError:
    message = f"The length of parameter {name} must be greater than or equal to {limit}."
    return CccApiError("Parameter.Minimum", message, 400)


def parameter_maximum(name: str, limit: int) -> CccApiError:
    message = f"The parameter {name} must be less than or equal to {limit}."
    return CccApiError("Parameter.Maximum", message, 400)


def parameter_minimum(name: str, limit: int) -> CccApiError:
    message = f"The parameter {name} must be greater than or equal to {limit}."
    return CccApiError("Parameter.Minimum", message, 400)


def parameter_enumeration(name: str, allowed: Iterable[str]) -> CccApiError:
    message = f"The parameter {name} must be one of [{', '.join(allowed)}]."
    return CccApiError("Parameter.Enumeration", message, 400)


def parameter_format(name: str, expected: str) -> CccApiError:
    # The documentation names no code for a malformed value; `Parameter.Format` keeps to the
    # documented `Parameter.*` family.
    return CccApiError("Parameter.Format", f"The parameter {name} must be {expected}.", 400)


def parameter_invalid(name: str, detail: str) -> CccApiError:
    return CccApiError("Parameter.Invalid", f"The parameter {name} is invalid. {detail}", 400)


def api_not_found(action: str) -> CccApiError:
    message = f"Specified api {action} is not found, please check your url and method."
    return CccApiError("InvalidApi.NotFound", message, 404)


def instance_not_found(instance_id: str) -> CccApiError:
    message = f"The specified instance {instance_id} does not exist."
    return CccApiError("NotExists.InstanceId", message, 404)


def instance_creating(instance_id: str) -> CccApiError:
    message = f"Service abnormal. The instance {instance_id} is being created."
    return CccApiError("AbnormalService.Creating", message, 403)


def domain_name_taken(domain_name: str) -> CccApiError:
    return CccApiError("AlreadyExists.DomainName", f"Instance {domain_name} already exists.", 409)


def number_not_found(number: str) -> CccApiError:
    return CccApiError("NotExists.Number", f"The specified number {number} does not exist.", 404)


def number_in_use(number: str, instance_id: str) -> CccApiError:
    message = f"The phone number {number} is already bound to instance {instance_id}."
    return CccApiError("AlreadyExists.PhoneNumber", message, 409)


def internal_error(detail: str) -> CccApiError:
    message = f"An internal error occurred in the service: {detail}"
    return CccApiError("InternalService.Common", message, 500)


def skill_group_not_found(skill_group_id: str, instance_id: str) -> CccApiError:
    message = f"The skill group ID {skill_group_id} does not exist in instance {instance_id}."
    return CccApiError("NotExists.SkillGroupId", message, 404)


def skill_group_exists(skill_group_id: str, instance_id: str) -> CccApiError:
    message = f"Skill group {skill_group_id} already exists in instance {instance_id}."
    return CccApiError("AlreadyExists.SkillGroupId", message, 409)


def skill_group_in_use(skill_group_id: str) -> CccApiError:
    return CccApiError("InUse.SkillGroup", f"Skill group {skill_group_id} is in use now.", 400)


def user_not_found(user_id: str, instance_id: str) -> CccApiError:
    message = f"The user {user_id} does not exist in instance {instance_id}."
    return CccApiError("NotExists.UserId", message, 404)


def user_exists(user_id: str, instance_id: str) -> CccApiError:
    message = f"The user {user_id} already exists in instance {instance_id}."
    return CccApiError("AlreadyExists.User", message, 409)


def role_not_found(role_id: str, instance_id: str) -> CccApiError:
    message = f"The role {role_id} does not exist in instance {instance_id}."
    return CccApiError("NotExists.RoleId", message, 404)


def skill_level_exists(user_id: str, skill_group_id: str) -> CccApiError:
    message = f"The user {user_id} is already a member of skill group {skill_group_id}."
    return CccApiError("AlreadyExists.SkillLevel", message, 409)


def skill_level_not_found(user_id: str, skill_group_id: str) -> CccApiError:
    message = f"The user {user_id} is not a member of skill group {skill_group_id}."
    return CccApiError("NotExists.SkillLevel", message, 404)


def number_linked(number: str, skill_group_id: str) -> CccApiError:
    message = f"The number {number} is already associated with skill group {skill_group_id}."
    return CccApiError("AlreadyExists.SkillGroupPhoneNumber", message, 409)


def number_not_linked(number: str, skill_group_id: str) -> CccApiError:
    message = f"The number {number} is not associated with skill group {skill_group_id}."
    return CccApiError("NotExists.SkillGroupPhoneNumber", message, 404)


def flow_not_found(contact_flow_id: str, instance_id: str) -> CccApiError:
    message = f"The contact flow {contact_flow_id} does not exist in instance {instance_id}."
    return CccApiError("NotExists.ContactFlowId", message, 404)


def flow_name_taken(name: str, instance_id: str) -> CccApiError:
    message = f"Contact flow {name} already exists in instance {instance_id}."
    return CccApiError("AlreadyExists.ContactFlowName", message, 409)


def flow_in_use(contact_flow_id: str) -> CccApiError:
    return CccApiError("InUse.ContactFlow", f"Contact flow {contact_flow_id} is in use now.", 400)


def draft_not_found(draft_id: str, contact_flow_id: str) -> CccApiError:
    message = f"The draft {draft_id} is not an open draft of contact flow {contact_flow_id}."
    return CccApiError("NotExists.DraftId", message, 404)
