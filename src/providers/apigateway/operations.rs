//! The AWS operations this provider calls, with the IAM permission each needs.

use crate::aws::Operation;

pub(super) const GET_REST_APIS: Operation =
    Operation { name: "apigateway:GetRestApis", action: "apigateway:GET", resource: "arn:aws:apigateway:*::/restapis" };

pub(super) const GET_RESOURCES: Operation = Operation {
    name: "apigateway:GetResources",
    action: "apigateway:GET",
    resource: "arn:aws:apigateway:*::/restapis/*/resources",
};

pub(super) const GET_STAGES: Operation = Operation {
    name: "apigateway:GetStages",
    action: "apigateway:GET",
    resource: "arn:aws:apigateway:*::/restapis/*/stages",
};

pub(super) const GET_USAGE_PLANS: Operation = Operation {
    name: "apigateway:GetUsagePlans",
    action: "apigateway:GET",
    resource: "arn:aws:apigateway:*::/usageplans",
};

pub(super) const GET_USAGE_PLAN_KEYS: Operation = Operation {
    name: "apigateway:GetUsagePlanKeys",
    action: "apigateway:GET",
    resource: "arn:aws:apigateway:*::/usageplans/*/keys",
};

pub(super) const GET_API_KEYS: Operation =
    Operation { name: "apigateway:GetApiKeys", action: "apigateway:GET", resource: "arn:aws:apigateway:*::/apikeys" };
/// Every operation this provider calls.
pub(super) const OPERATIONS: [Operation; 6] =
    [GET_REST_APIS, GET_RESOURCES, GET_STAGES, GET_USAGE_PLANS, GET_USAGE_PLAN_KEYS, GET_API_KEYS];
