//! The AWS operations this provider calls, with the IAM permission each needs.

use crate::aws::Operation;

pub(super) const GET_FUNCTION_CONFIGURATION: Operation = Operation {
    name: "lambda:GetFunctionConfiguration",
    action: "lambda:GetFunctionConfiguration",
    resource: "arn:aws:lambda:*:*:function:*",
};

pub(super) const LIST_VERSIONS_BY_FUNCTION: Operation = Operation {
    name: "lambda:ListVersionsByFunction",
    action: "lambda:ListVersionsByFunction",
    resource: "arn:aws:lambda:*:*:function:*",
};

pub(super) const LIST_ALIASES: Operation =
    Operation { name: "lambda:ListAliases", action: "lambda:ListAliases", resource: "arn:aws:lambda:*:*:function:*" };

pub(super) const GET_POLICY: Operation =
    Operation { name: "lambda:GetPolicy", action: "lambda:GetPolicy", resource: "arn:aws:lambda:*:*:function:*" };

pub(super) const LIST_FUNCTIONS: Operation =
    Operation { name: "lambda:ListFunctions", action: "lambda:ListFunctions", resource: "*" };
/// Every operation this provider calls.
pub(super) const OPERATIONS: [Operation; 5] =
    [GET_FUNCTION_CONFIGURATION, LIST_VERSIONS_BY_FUNCTION, LIST_ALIASES, GET_POLICY, LIST_FUNCTIONS];
