//! Reading IAM: each role's trust policy and permission policies at most once per round. Policy documents come
//! URL-encoded (RFC 3986) and are decoded here.

use super::Iam;
use super::operations::*;
use crate::providers::{Reading, RoundReader};
use std::sync::Arc;

use crate::aws::round_trips::{fork, join_all, try_join_all};

use super::{Facts, Part, Read, Role, RolePolicy};
use crate::aws::pages::{self, IfMissing};
use crate::aws::{AwsSession, Operation};
use crate::aws::{Keyed, has_code, text};
use crate::facts::{Fact, FactError, FactErrorKind};
use crate::providers::Readers;
use crate::providers::lambda;

/// IAM's "no such role or policy".
const NO_SUCH_ENTITY: &[&str] = &["NoSuchEntity", "NoSuchEntityException"];

/// One round of IAM reads.
pub struct Reader {
    session: Arc<AwsSession>,
    roles: Keyed<Fact<Option<Role>>>,
    policies: Keyed<Fact<Option<Vec<RolePolicy>>>>,
}

impl RoundReader for Reader {
    type Read = Read;

    fn new(session: &Arc<AwsSession>, _plan: &[crate::providers::Read]) -> Self {
        Self { session: session.clone(), roles: Keyed::new(), policies: Keyed::new() }
    }

    async fn read(&self, read: &Read, round: &Readers) -> crate::providers::Facts {
        match read {
            Read::Role { name, part } => {
                let mut facts = crate::providers::Facts::default();
                self.read_roles(std::slice::from_ref(name), *part, &mut facts.iam).await;
                facts
            }
            Read::ExecutionRoles { api, part } => {
                let behind = lambda::Read::BehindApi { api: api.clone(), part: lambda::Part::Configuration };
                let mut facts = round.read(&behind.into()).await;
                let mut names: Vec<String> = facts
                    .lambda
                    .lambda_functions
                    .values()
                    .filter_map(|f| f.as_ref().ok()?.as_ref()?.role_name().map(str::to_owned))
                    .collect();
                names.sort();
                names.dedup();
                self.read_roles(&names, *part, &mut facts.iam).await;
                facts
            }
        }
    }
}

impl Reader {
    async fn read_roles(&self, names: &[String], part: Part, into: &mut Facts) {
        match part {
            Part::Trust => {
                let got = join_all(names.iter().map(|n| self.role(n))).await;
                into.iam_roles.extend(names.iter().cloned().zip(got));
            }
            Part::Permissions => {
                // The role and its policies at once: the listings need only the role's name.
                let got = join_all(
                    names.iter().map(|n| async { futures::join!(fork(self.role(n)), fork(self.policies(n))) }),
                )
                .await;
                for (name, (role, policies)) in names.iter().zip(got) {
                    into.iam_roles.insert(name.clone(), role);
                    into.iam_role_policies.insert(name.clone(), policies);
                }
            }
        }
    }

    async fn role(&self, name: &str) -> Fact<Option<Role>> {
        self.roles
            .get_or_fetch(name, || async {
                match self.session.client::<Iam>().get_role().role_name(name).send().await {
                    Ok(out) => {
                        let Some(role) = out.role() else {
                            return Err(malformed(&GET_ROLE, "the answer has no Role".into()));
                        };
                        let trust = role.assume_role_policy_document().unwrap_or("{}");
                        Ok(Some(Role {
                            name: role.role_name().to_owned(),
                            arn: role.arn().to_owned(),
                            trust_policy: document(trust).map_err(|e| malformed(&GET_ROLE, e))?,
                        }))
                    }
                    Err(e) if has_code(&e, NO_SUCH_ENTITY) => Ok(None),
                    Err(e) => Err(GET_ROLE.error(e)),
                }
            })
            .await
    }

    /// Attached (each one's default version) and inline policies; `None`: no such role. The role and both
    /// listings are read at once: when the role turns out not to exist, what the listings said is dropped.
    async fn policies(&self, name: &str) -> Fact<Option<Vec<RolePolicy>>> {
        self.policies
            .get_or_fetch(name, || async {
                let (role, attached, inline) =
                    futures::join!(fork(self.role(name)), fork(self.attached(name)), fork(self.inline(name)));
                if role?.is_none() {
                    return Ok(None);
                }
                let mut policies = attached?;
                policies.extend(inline?);
                Ok(Some(policies))
            })
            .await
    }

    async fn attached(&self, role: &str) -> Fact<Vec<RolePolicy>> {
        let request = self.session.client::<Iam>().list_attached_role_policies().role_name(role).max_items(100);
        let pages = request.into_paginator().stop_on_duplicate_token(false).send();
        let pages = pages::read_all(pages, &LIST_ATTACHED_ROLE_POLICIES, |p| p.marker(), IfMissing::Error).await?;
        let arns: Vec<(String, String)> = pages
            .iter()
            .flat_map(|p| p.attached_policies())
            .map(|p| (text(p.policy_name()), text(p.policy_arn())))
            .collect();
        try_join_all(arns.into_iter().map(|(name, arn)| self.managed(name, arn))).await
    }

    /// A managed policy's default version.
    async fn managed(&self, name: String, arn: String) -> Fact<RolePolicy> {
        let iam = &self.session.client::<Iam>();
        let policy = iam.get_policy().policy_arn(&arn).send().await.map_err(|e| GET_POLICY.error(e))?;
        let Some(version) = policy.policy().and_then(|p| p.default_version_id()) else {
            return Err(malformed(&GET_POLICY, format!("{arn} has no default version")));
        };
        let request = iam.get_policy_version().policy_arn(&arn).version_id(version);
        let out = request.send().await.map_err(|e| GET_POLICY_VERSION.error(e))?;
        let text = out.policy_version().and_then(|v| v.document()).unwrap_or("{}");
        let document = document(text).map_err(|e| malformed(&GET_POLICY_VERSION, e))?;
        Ok(RolePolicy { name, arn: Some(arn), document })
    }

    async fn inline(&self, role: &str) -> Fact<Vec<RolePolicy>> {
        let request = self.session.client::<Iam>().list_role_policies().role_name(role).max_items(100);
        let pages = request.into_paginator().stop_on_duplicate_token(false).send();
        let pages = pages::read_all(pages, &LIST_ROLE_POLICIES, |p| p.marker(), IfMissing::Error).await?;
        let names: Vec<String> = pages.iter().flat_map(|p| p.policy_names()).cloned().collect();
        try_join_all(names.into_iter().map(|name| self.inline_policy(role, name))).await
    }

    async fn inline_policy(&self, role: &str, name: String) -> Fact<RolePolicy> {
        let request = self.session.client::<Iam>().get_role_policy().role_name(role).policy_name(&name);
        let out = request.send().await.map_err(|e| GET_ROLE_POLICY.error(e))?;
        let document = document(out.policy_document()).map_err(|e| malformed(&GET_ROLE_POLICY, e))?;
        Ok(RolePolicy { name, arn: None, document })
    }
}

fn malformed(operation: &Operation, message: String) -> FactError {
    FactError::new(FactErrorKind::Malformed, operation.name, message)
}

/// A policy document as IAM answers it: URL-encoded JSON (RFC 3986). A document that is JSON as it is (some
/// emulators skip the encoding) is taken as it is.
pub(crate) fn document(text: &str) -> Result<serde_json::Value, String> {
    if let Ok(value) = serde_json::from_str(text) {
        return Ok(value);
    }
    let decoded = percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map_err(|_| "the policy document is not UTF-8 once decoded".to_owned())?;
    serde_json::from_str(&decoded).map_err(|e| format!("the policy document is not JSON: {e}"))
}

crate::aws::sdk_client!(Iam, aws_sdk_iam);

impl Reading for Iam {
    /// Nothing here is cut: roles' trust and permission policies are configuration, not secrets.
    fn for_evidence(_facts: &mut Facts) {}

    type Reader = Reader;

    const ENUM_FIELDS: &'static [(&'static str, &'static str, &'static [&'static str])] =
        &[("iam_roles", "Effect", &["Allow", "Deny"]), ("iam_role_policies", "Effect", &["Allow", "Deny"])];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_decoded_from_iam_s_url_encoding() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(document(encoded).unwrap()["Version"], "2012-10-17");
        // Plain JSON with a literal % (a condition value) is taken as it is.
        let plain = r#"{"Statement":[{"Condition":{"StringLike":{"s3:prefix":"50%"}}}]}"#;
        assert_eq!(document(plain).unwrap()["Statement"][0]["Condition"]["StringLike"]["s3:prefix"], "50%");
        assert!(document("%7Bnot json").unwrap_err().contains("not JSON"));
    }
}
