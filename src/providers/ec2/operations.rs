//! The AWS operations this provider calls, with the IAM permission each needs. EC2's `Describe*` actions take no
//! resource-level permissions: each is allowed on `*`.

use crate::aws::Operation;

const fn describe(name: &'static str) -> Operation {
    Operation { name, action: name, resource: "*" }
}

pub(super) const DESCRIBE_VPCS: Operation = describe("ec2:DescribeVpcs");
pub(super) const DESCRIBE_SUBNETS: Operation = describe("ec2:DescribeSubnets");
pub(super) const DESCRIBE_ROUTE_TABLES: Operation = describe("ec2:DescribeRouteTables");
pub(super) const DESCRIBE_INTERNET_GATEWAYS: Operation = describe("ec2:DescribeInternetGateways");
pub(super) const DESCRIBE_NAT_GATEWAYS: Operation = describe("ec2:DescribeNatGateways");
pub(super) const DESCRIBE_ADDRESSES: Operation = describe("ec2:DescribeAddresses");
pub(super) const DESCRIBE_SECURITY_GROUPS: Operation = describe("ec2:DescribeSecurityGroups");
pub(super) const DESCRIBE_INSTANCES: Operation = describe("ec2:DescribeInstances");
pub(super) const DESCRIBE_LAUNCH_TEMPLATE_VERSIONS: Operation = describe("ec2:DescribeLaunchTemplateVersions");

/// Every operation this provider calls.
pub(super) const OPERATIONS: [Operation; 9] = [
    DESCRIBE_VPCS,
    DESCRIBE_SUBNETS,
    DESCRIBE_ROUTE_TABLES,
    DESCRIBE_INTERNET_GATEWAYS,
    DESCRIBE_NAT_GATEWAYS,
    DESCRIBE_ADDRESSES,
    DESCRIBE_SECURITY_GROUPS,
    DESCRIBE_INSTANCES,
    DESCRIBE_LAUNCH_TEMPLATE_VERSIONS,
];
