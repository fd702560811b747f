"""The error codes the emulation answers with, each built the way the real CCC API words it.

Codes, HTTP statuses and messages come from the CCC 2020-07-01 common error codes and per-API pages
(see docs ccc-api.md §1 and §4). Where the documentation names no code for a case, the choice is
written next to the function. How each parameter problem maps to a code:

| problem                                         | code                   | HTTP |
|-------------------------------------------------|------------------------|------|
| required parameter absent                       | `Parameter.Null`       | 400  |
| required text empty or only whitespace          | `Parameter.Blank`      | 400  |
| required JSON array is `[]`                     | `Parameter.Empty`      | 400  |
| text too long / number too large                | `Parameter.Maximum`    | 400  |
| text too short / number too small               | `Parameter.Minimum`    | 400  |
| boolean not true/false (any case), bad enum     | `Parameter.Enumeration`| 400  |
| malformed value (characters, JSON, integer)     | `Parameter.Format`     | 400  |
| unknown action                                  | `InvalidApi.NotFound`  | 404  |
"""

from __future__ import annotations

from collections.abc import Iterable

from cccform.errors import ApiError


def parameter_null(name: str) -> ApiError:
    return ApiError("Parameter.Null", f"The parameter {name} must not be null.", 400)


def parameter_blank(name: str) -> ApiError:
    return ApiError("Parameter.Blank", f"The parameter {name} must not be blank.", 400)


def parameter_empty(name: str) -> ApiError:
    return ApiError("Parameter.Empty", f"The parameter {name} must not be empty.", 400)


def parameter_too_long(name: str, limit: int) -> ApiError:
    message = f"The length of parameter {name} must be less than or equal to {limit}."
    return ApiError("Parameter.Maximum", message, 400)


def parameter_too_short(name: str, limit: int) -> ApiError:
    message = f"The length of parameter {name} must be greater than or equal to {limit}."
    return ApiError("Parameter.Minimum", message, 400)


def parameter_maximum(name: str, limit: int) -> ApiError:
    message = f"The parameter {name} must be less than or equal to {limit}."
    return ApiError("Parameter.Maximum", message, 400)


def parameter_minimum(name: str, limit: int) -> ApiError:
    message = f"The parameter {name} must be greater than or equal to {limit}."
    return ApiError("Parameter.Minimum", message, 400)


def parameter_enumeration(name: str, allowed: Iterable[str]) -> ApiError:
    message = f"The parameter {name} must be one of [{', '.join(allowed)}]."
    return ApiError("Parameter.Enumeration", message, 400)


def parameter_format(name: str, expected: str) -> ApiError:
    # The documentation names no code for a malformed value; `Parameter.Format` keeps to the
    # documented `Parameter.*` family.
    return ApiError("Parameter.Format", f"The parameter {name} must be {expected}.", 400)


def api_not_found(action: str) -> ApiError:
    message = f"Specified api {action} is not found, please check your url and method."
    return ApiError("InvalidApi.NotFound", message, 404)


def instance_not_found(instance_id: str) -> ApiError:
    message = f"The specified instance {instance_id} does not exist."
    return ApiError("NotExists.InstanceId", message, 404)


def instance_creating(instance_id: str) -> ApiError:
    message = f"Service abnormal. The instance {instance_id} is being created."
    return ApiError("AbnormalService.Creating", message, 403)


def domain_name_taken(domain_name: str) -> ApiError:
    return ApiError("AlreadyExists.DomainName", f"Instance {domain_name} already exists.", 409)


def number_not_found(number: str) -> ApiError:
    return ApiError("NotExists.Number", f"The specified number {number} does not exist.", 404)


def number_in_use(number: str, instance_id: str) -> ApiError:
    message = f"The phone number {number} is already bound to instance {instance_id}."
    return ApiError("AlreadyExists.PhoneNumber", message, 409)


def internal_error(detail: str) -> ApiError:
    message = f"An internal error occurred in the service: {detail}"
    return ApiError("InternalService.Common", message, 500)
