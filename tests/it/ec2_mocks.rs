//! EC2 reads where the emulators cannot show them: answers in several pages (moto ignores `MaxResults`), a page
//! loop, a denied call, and the shapes AWS gives that moto does not. Real SDK client, answers from the API
//! reference kept in `tests/fixtures/aws-shapes/` and served by `aws-smithy-mocks`.

use std::sync::Arc;

use aws_sdk_ec2::Client;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use labcheck::aws::{AwsSession, InvokeUrlTemplate};
use labcheck::facts::FactErrorKind;
use labcheck::inventory::{AwsInventory, FactSource};
use labcheck::providers::{Facts, Read, ec2};

use crate::common::shapes::answer;

fn session(rules: &[&Rule]) -> Arc<AwsSession> {
    let client = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, rules);
    Arc::new(AwsSession::for_clients("us-east-1", InvokeUrlTemplate::default()).with_client::<ec2::Ec2>(client))
}

async fn collect(session: &Arc<AwsSession>, needs: &[Read]) -> Facts {
    Arc::unwrap_or_clone(AwsInventory::new(session.clone(), needs).collect(needs).await)
}

const SECOND_PAGE: &str = "eyJ2IjoiMiIsImMiOiJwYWdlLTIifQ==";

#[tokio::test]
async fn every_page_of_the_vpcs_is_read_once_asking_for_pages() {
    let first = mock!(Client::describe_vpcs)
        .match_requests(|r| r.next_token().is_none() && r.max_results() == Some(1000))
        .then_http_response(answer("ec2-DescribeVpcs-page1"));
    let second = mock!(Client::describe_vpcs)
        .match_requests(|r| r.next_token() == Some(SECOND_PAGE))
        .then_http_response(answer("ec2-DescribeVpcs-page2"));
    let session = session(&[&first, &second]);
    let facts = collect(&session, &[ec2::Read::Vpcs.into()]).await;
    let vpcs = facts.ec2.vpcs().expect("both pages read");
    let names: Vec<(&str, bool)> = vpcs.iter().map(|v| (v.id.as_str(), v.is_default)).collect();
    assert_eq!(names, [("vpc-0a60eb65b4EXAMPLE", true), ("vpc-06e4ab6c6cEXAMPLE", false)]);
    assert_eq!(vpcs[1].tags.get("Name").map(String::as_str), Some("project-vpc"));
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1), "each page once");
}

#[tokio::test]
async fn a_page_that_names_a_page_already_read_is_an_error_not_a_short_listing() {
    let first = mock!(Client::describe_vpcs)
        .match_requests(|r| r.next_token().is_none())
        .then_http_response(answer("ec2-DescribeVpcs-page1"));
    // The second page names itself again: a loop the SDK's paginator would end quietly.
    let again = mock!(Client::describe_vpcs)
        .match_requests(|r| r.next_token() == Some(SECOND_PAGE))
        .then_http_response(answer("ec2-DescribeVpcs-page1"));
    let session = session(&[&first, &again]);
    let facts = collect(&session, &[ec2::Read::Vpcs.into()]).await;
    let error = facts.ec2.vpcs().expect_err("a loop is not a listing");
    assert_eq!(error.kind, FactErrorKind::Malformed, "{error:?}");
    assert!(error.message.contains("pagination loop"), "{error:?}");
}

/// EC2 names a missing permission `UnauthorizedOperation` (403), not `AccessDenied`: labcheck's fault, never the
/// student's. Before, it was a service error whose message did not say which permission to add.
#[tokio::test]
async fn a_describe_the_credentials_may_not_make_is_access_denied_naming_the_permission() {
    let denied = mock!(Client::describe_instances).then_http_response(answer("ec2-UnauthorizedOperation"));
    let session = session(&[&denied]);
    let facts = collect(&session, &[ec2::Read::Instances.into()]).await;
    let error = facts.ec2.instances().expect_err("denied");
    assert_eq!(error.kind, FactErrorKind::AccessDenied, "{error:?}");
    assert!(error.message.contains("ec2:DescribeInstances on *"), "{error:?}");
}

#[tokio::test]
async fn instances_come_out_of_their_reservations_with_what_aws_leaves_empty_left_out() {
    let instances = mock!(Client::describe_instances)
        .match_requests(|r| r.max_results() == Some(1000))
        .then_http_response(answer("ec2-DescribeInstances-no-public-address"));
    let session = session(&[&instances]);
    let facts = collect(&session, &[ec2::Read::Instances.into()]).await;
    let listed = facts.ec2.instances().unwrap();
    let web = &listed[0];
    assert_eq!((web.id.as_str(), web.state.as_str()), ("i-1234567890abcdef0", "running"));
    assert_eq!((web.public_ip.as_deref(), web.public_dns.as_deref()), (None, None), "an empty dnsName is no name");
    assert_eq!(web.http_tokens.as_deref(), Some("optional"));
    assert_eq!(web.security_groups, ["sg-e4076980"]);
    assert_eq!(web.tags.get("Name").map(String::as_str), Some("web"));
    let gone = &listed[1];
    assert_eq!((gone.state.as_str(), gone.subnet_id.as_deref(), gone.vpc_id.as_deref()), ("terminated", None, None));
}

#[tokio::test]
async fn a_launch_template_that_does_not_exist_is_a_fact_not_an_error() {
    let missing = mock!(Client::describe_launch_template_versions)
        .then_http_response(answer("ec2-DescribeLaunchTemplateVersions-not-found"));
    let session = session(&[&missing]);
    let read: Read = ec2::Read::LaunchTemplate { name: "web".into() }.into();
    let facts = collect(&session, &[read]).await;
    assert_eq!(facts.ec2.launch_template("web").expect("read"), None);
}
