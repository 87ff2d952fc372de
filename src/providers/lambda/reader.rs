//! Reading Lambda: the functions the API's integrations name, each part at most once per round.

use super::Lambda;
use super::operations::*;
use crate::providers::{Reading, RoundReader};
use std::sync::Arc;

use crate::aws::round_trips::Once;
use crate::aws::round_trips::join_all;

use super::{EnvironmentError, Facts, LambdaAlias, LambdaFunction, LambdaVersion, Part, Read};
use crate::aws::pages::{self, IfMissing};
use crate::aws::{AwsSession, TolerantJson, is_not_found};
use crate::aws::{Keyed, text};
use crate::facts::{Fact, FactError, FactErrorKind};
use crate::providers::Readers;
use crate::providers::apigateway;

/// One round of Lambda reads.
pub struct Reader {
    session: Arc<AwsSession>,
    lambda_functions: Keyed<Fact<Option<LambdaFunction>>>,
    lambda_versions: Keyed<Fact<Vec<LambdaVersion>>>,
    lambda_aliases: Keyed<Fact<Vec<LambdaAlias>>>,
    lambda_policies: Keyed<Fact<Option<serde_json::Value>>>,
    lambda_function_names: Once<Fact<Vec<String>>>,
}

impl RoundReader for Reader {
    type Read = Read;

    fn new(session: &Arc<AwsSession>, _plan: &[crate::providers::Read]) -> Self {
        Self {
            session: session.clone(),
            lambda_functions: Keyed::new(),
            lambda_versions: Keyed::new(),
            lambda_aliases: Keyed::new(),
            lambda_policies: Keyed::new(),
            lambda_function_names: Once::new(),
        }
    }

    /// The read, and what finding it took (the API's resources, whose integrations name the function).
    async fn read(&self, read: &Read, round: &Readers) -> crate::providers::Facts {
        match read {
            Read::BehindApi { api, part } => self.behind(api, part, round).await,
            Read::FunctionNames => {
                let names = Some(self.lambda_function_names().await);
                let lambda = Facts { lambda_function_names: names, ..Facts::default() };
                crate::providers::Facts { lambda, ..crate::providers::Facts::default() }
            }
        }
    }
}

impl Reader {
    /// Resources of every API named `api`, and the part of each Lambda function their methods integrate with.
    async fn behind(&self, api: &str, part: &Part, round: &Readers) -> crate::providers::Facts {
        let mut facts = round.read(&apigateway::Read::Resources { api: api.to_owned() }.into()).await;
        let mut names: Vec<String> = facts
            .apigateway
            .resources
            .values()
            .filter_map(|r| r.as_ref().ok())
            .flatten()
            .flat_map(|r| r.methods.values())
            .filter_map(|m| m.integration.as_ref()?.lambda_target())
            .map(|t| t.function_name)
            .collect();
        names.sort();
        names.dedup();
        let lambda = &mut facts.lambda;
        match part {
            Part::Configuration => {
                let got = join_all(names.iter().map(|n| self.lambda_function(n))).await;
                lambda.lambda_functions = names.into_iter().zip(got).collect();
            }
            Part::Versions => {
                let got = join_all(names.iter().map(|n| self.lambda_versions(n))).await;
                lambda.lambda_versions = names.into_iter().zip(got).collect();
            }
            Part::Aliases => {
                let got = join_all(names.iter().map(|n| self.lambda_aliases(n))).await;
                lambda.lambda_aliases = names.into_iter().zip(got).collect();
            }
            Part::Policy(qualifier) => {
                let got = join_all(names.iter().map(|n| self.lambda_policy(n, qualifier))).await;
                lambda.lambda_policies = names.into_iter().map(|n| format!("{n}:{qualifier}")).zip(got).collect();
            }
        }
        facts
    }

    async fn lambda_function(&self, name: &str) -> Fact<Option<LambdaFunction>> {
        self.lambda_functions
            .get_or_fetch(name, || async {
                match self.session.client::<Lambda>().get_function_configuration().function_name(name).send().await {
                    Ok(f) => Ok(Some(LambdaFunction {
                        name: text(f.function_name()),
                        arn: text(f.function_arn()),
                        runtime: f.runtime().map(|r| r.as_str().to_owned()),
                        handler: f.handler().map(str::to_owned),
                        state: f.state().map(|st| st.as_str().to_owned()),
                        role: f.role().map(str::to_owned),
                        environment_names: environment_names(f.environment()),
                        environment_error: environment_error(f.environment()),
                    })),
                    Err(e) if is_not_found(&e) => Ok(None),
                    Err(e) => Err(GET_FUNCTION_CONFIGURATION.error(e)),
                }
            })
            .await
    }

    async fn lambda_versions(&self, name: &str) -> Fact<Vec<LambdaVersion>> {
        self.lambda_versions
            .get_or_fetch(name, || async {
                let request =
                    self.session.client::<Lambda>().list_versions_by_function().function_name(name).max_items(50);
                let pages = request.into_paginator().stop_on_duplicate_token(false).send();
                let pages =
                    pages::read_all(pages, &LIST_VERSIONS_BY_FUNCTION, |p| p.next_marker(), IfMissing::Empty).await?;
                Ok(pages
                    .iter()
                    .flat_map(|p| p.versions())
                    .map(|v| LambdaVersion { version: text(v.version()) })
                    .collect())
            })
            .await
    }

    async fn lambda_aliases(&self, name: &str) -> Fact<Vec<LambdaAlias>> {
        self.lambda_aliases
            .get_or_fetch(name, || async {
                let request = self.session.client::<Lambda>().list_aliases().function_name(name).max_items(50);
                let pages = request.into_paginator().stop_on_duplicate_token(false).send();
                let pages = pages::read_all(pages, &LIST_ALIASES, |p| p.next_marker(), IfMissing::Empty).await?;
                Ok(pages
                    .iter()
                    .flat_map(|p| p.aliases())
                    .map(|a| LambdaAlias { name: text(a.name()), function_version: text(a.function_version()) })
                    .collect())
            })
            .await
    }

    async fn lambda_policy(&self, name: &str, qualifier: &str) -> Fact<Option<serde_json::Value>> {
        self.lambda_policies
            .get_or_fetch(&format!("{name}:{qualifier}"), || async {
                match self.session.client::<Lambda>().get_policy().function_name(name).qualifier(qualifier).send().await
                {
                    Ok(out) => {
                        let text = out.policy().unwrap_or("{}");
                        serde_json::from_str(text).map(Some).map_err(|e| {
                            FactError::new(
                                FactErrorKind::Malformed,
                                GET_POLICY.name,
                                format!("the policy is not JSON: {e}"),
                            )
                        })
                    }
                    Err(e) if is_not_found(&e) => Ok(None),
                    Err(e) => Err(GET_POLICY.error(e)),
                }
            })
            .await
    }

    async fn lambda_function_names(&self) -> Fact<Vec<String>> {
        self.lambda_function_names
            .get_or_init(|| async {
                let request = self.session.client::<Lambda>().list_functions().max_items(50);
                let pages = request.into_paginator().stop_on_duplicate_token(false).send();
                let pages = pages::read_all(pages, &LIST_FUNCTIONS, |p| p.next_marker(), IfMissing::Error).await?;
                Ok(pages.iter().flat_map(|p| p.functions()).map(|f| text(f.function_name())).collect())
            })
            .await
            .clone()
    }
}

/// What Lambda said instead of the variables, when it could not decrypt them for the grader.
fn environment_error(environment: Option<&aws_sdk_lambda::types::EnvironmentResponse>) -> Option<EnvironmentError> {
    let error = environment?.error()?;
    Some(EnvironmentError { code: text(error.error_code()), message: text(error.message()) })
}

/// The names of the variables, sorted; the values are dropped here, before anything else sees the answer.
fn environment_names(environment: Option<&aws_sdk_lambda::types::EnvironmentResponse>) -> Vec<String> {
    let mut names: Vec<String> =
        environment.and_then(|e| e.variables()).map(|vars| vars.keys().cloned().collect()).unwrap_or_default();
    names.sort();
    names
}

crate::aws::sdk_client!(Lambda, aws_sdk_lambda, TolerantJson);

impl Reading for Lambda {
    /// Nothing here is cut: of the environment only variable names were read, never values.
    fn for_evidence(_facts: &mut Facts) {}

    type Reader = Reader;

    const ENUM_FIELDS: &'static [(&'static str, &'static str, &'static [&'static str])] = &[
        ("lambda_functions", "runtime", aws_sdk_lambda::types::Runtime::values()),
        ("lambda_functions", "state", aws_sdk_lambda::types::State::values()),
        ("lambda_policies", "Effect", &["Allow", "Deny"]),
    ];
}
