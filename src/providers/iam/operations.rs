//! The AWS operations this provider calls, with the IAM permission each needs.

use crate::aws::Operation;

const ROLE: &str = "arn:aws:iam::*:role/*";

pub(super) const GET_ROLE: Operation = Operation { name: "iam:GetRole", action: "iam:GetRole", resource: ROLE };

pub(super) const LIST_ATTACHED_ROLE_POLICIES: Operation =
    Operation { name: "iam:ListAttachedRolePolicies", action: "iam:ListAttachedRolePolicies", resource: ROLE };

pub(super) const LIST_ROLE_POLICIES: Operation =
    Operation { name: "iam:ListRolePolicies", action: "iam:ListRolePolicies", resource: ROLE };

pub(super) const GET_ROLE_POLICY: Operation =
    Operation { name: "iam:GetRolePolicy", action: "iam:GetRolePolicy", resource: ROLE };

pub(super) const GET_POLICY: Operation =
    Operation { name: "iam:GetPolicy", action: "iam:GetPolicy", resource: "arn:aws:iam::*:policy/*" };

pub(super) const GET_POLICY_VERSION: Operation =
    Operation { name: "iam:GetPolicyVersion", action: "iam:GetPolicyVersion", resource: "arn:aws:iam::*:policy/*" };
/// What reading a role's permissions calls (the role first, to know it exists).
pub(super) const PERMISSION_OPERATIONS: [Operation; 6] =
    [GET_ROLE, LIST_ATTACHED_ROLE_POLICIES, GET_POLICY, GET_POLICY_VERSION, LIST_ROLE_POLICIES, GET_ROLE_POLICY];
/// Every operation this provider calls.
pub(super) const OPERATIONS: [Operation; 6] =
    [GET_ROLE, LIST_ATTACHED_ROLE_POLICIES, GET_POLICY, GET_POLICY_VERSION, LIST_ROLE_POLICIES, GET_ROLE_POLICY];
