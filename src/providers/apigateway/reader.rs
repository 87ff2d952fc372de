//! Reading API Gateway: each collection at most once per round, every page, names resolved to ids.

use super::ApiGateway;
use super::operations::*;
use crate::providers::{Reading, RoundReader};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::aws::round_trips::Once;
use crate::aws::round_trips::join_all;

use super::{ApiKey, ApiStage, Facts, Integration, Method, MethodSetting, Quota, Read, Resource, RestApi, Stage};
use super::{Throttle, UsagePlan, UsagePlanKey};
use crate::aws::pages::{self, IfMissing};
use crate::aws::{AwsSession, TolerantJson};
use crate::aws::{Keyed, text};
use crate::facts::{Fact, FactError};
use crate::providers::Readers;

/// A secret string: never printed, never serialized.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) String);

impl Secret {
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// API key values by key id, kept apart from the facts.
type KeyValues = HashMap<String, Secret>;

/// One round of API Gateway reads.
pub struct Reader {
    session: Arc<AwsSession>,
    /// Read API key values too (only when a probe needs one).
    want_key_values: bool,
    rest_apis: Once<Fact<Vec<RestApi>>>,
    resources: Keyed<Fact<Vec<Resource>>>,
    stages: Keyed<Fact<Vec<Stage>>>,
    usage_plans: Once<Fact<Vec<UsagePlan>>>,
    usage_plan_keys: Keyed<Fact<Vec<UsagePlanKey>>>,
    api_keys: Once<(Fact<Vec<ApiKey>>, Arc<KeyValues>)>,
}

impl RoundReader for Reader {
    type Read = Read;

    /// Values are read (in the same one GetApiKeys call) only when some read of the round needs them.
    fn new(session: &Arc<AwsSession>, plan: &[crate::providers::Read]) -> Self {
        let values: crate::providers::Read = Read::ApiKeyValues.into();
        Self {
            session: session.clone(),
            want_key_values: plan.iter().any(|r| *r == values || r.kind().resolved_through().contains(&values)),
            rest_apis: Once::new(),
            resources: Keyed::new(),
            stages: Keyed::new(),
            usage_plans: Once::new(),
            usage_plan_keys: Keyed::new(),
            api_keys: Once::new(),
        }
    }

    async fn read(&self, read: &Read, _round: &Readers) -> crate::providers::Facts {
        let mut facts = Facts::default();
        match read {
            Read::RestApis => facts.rest_apis = Some(self.rest_apis().await),
            Read::Resources { api } => {
                let (apis, ids) = self.ids_of_apis_named(api).await;
                facts.rest_apis = Some(apis);
                let fetched = join_all(ids.iter().map(|id| self.resources(id))).await;
                facts.resources = ids.into_iter().zip(fetched).collect();
            }
            Read::Stages { api } => {
                let (apis, ids) = self.ids_of_apis_named(api).await;
                facts.rest_apis = Some(apis);
                let fetched = join_all(ids.iter().map(|id| self.stages(id))).await;
                facts.stages = ids.into_iter().zip(fetched).collect();
            }
            Read::UsagePlans => facts.usage_plans = Some(self.usage_plans().await),
            Read::UsagePlanKeys { plan } => {
                let plans = self.usage_plans().await;
                let ids: Vec<String> = match &plans {
                    Ok(list) => list.iter().filter(|p| &p.name == plan).map(|p| p.id.clone()).collect(),
                    Err(_) => Vec::new(),
                };
                facts.usage_plans = Some(plans);
                let fetched = join_all(ids.iter().map(|id| self.usage_plan_keys(id))).await;
                facts.usage_plan_keys = ids.into_iter().zip(fetched).collect();
            }
            Read::ApiKeys | Read::ApiKeyValues => facts.api_keys = Some(self.api_keys_with_values().await.0),
        }
        crate::providers::Facts { apigateway: facts, ..crate::providers::Facts::default() }
    }
}

impl Reader {
    async fn rest_apis(&self) -> Fact<Vec<RestApi>> {
        self.rest_apis
            .get_or_init(|| async {
                let request = self.session.client::<ApiGateway>().get_rest_apis().limit(500);
                let pages = request.into_paginator().stop_on_duplicate_token(false).send();
                let pages = pages::read_all(pages, &GET_REST_APIS, |p| p.position(), IfMissing::Error).await?;
                Ok(pages
                    .iter()
                    .flat_map(|p| p.items())
                    .map(|a| RestApi {
                        id: text(a.id()),
                        name: text(a.name()),
                        description: a.description().map(str::to_owned),
                    })
                    .collect())
            })
            .await
            .clone()
    }

    async fn resources(&self, api_id: &str) -> Fact<Vec<Resource>> {
        self.resources
            .get_or_fetch(api_id, || async {
                let pages = self
                    .session
                    .client::<ApiGateway>()
                    .get_resources()
                    .rest_api_id(api_id)
                    .embed("methods")
                    .limit(500)
                    .into_paginator()
                    .stop_on_duplicate_token(false)
                    .send();
                let pages = pages::read_all(pages, &GET_RESOURCES, |p| p.position(), IfMissing::Error).await?;
                Ok(pages.into_iter().flat_map(|p| p.items.unwrap_or_default()).map(convert_resource).collect())
            })
            .await
    }

    async fn stages(&self, api_id: &str) -> Fact<Vec<Stage>> {
        self.stages
            .get_or_fetch(api_id, || async {
                let out = self
                    .session
                    .client::<ApiGateway>()
                    .get_stages()
                    .rest_api_id(api_id)
                    .send()
                    .await
                    .map_err(|e| GET_STAGES.error(e))?;
                Ok(out.item().iter().map(convert_stage).collect())
            })
            .await
    }

    async fn usage_plans(&self) -> Fact<Vec<UsagePlan>> {
        self.usage_plans
            .get_or_init(|| async {
                let request = self.session.client::<ApiGateway>().get_usage_plans().limit(500);
                let pages = request.into_paginator().stop_on_duplicate_token(false).send();
                let pages = pages::read_all(pages, &GET_USAGE_PLANS, |p| p.position(), IfMissing::Error).await?;
                Ok(pages.iter().flat_map(|p| p.items()).map(convert_usage_plan).collect())
            })
            .await
            .clone()
    }

    async fn usage_plan_keys(&self, plan_id: &str) -> Fact<Vec<UsagePlanKey>> {
        self.usage_plan_keys
            .get_or_fetch(plan_id, || async {
                let pages = self
                    .session
                    .client::<ApiGateway>()
                    .get_usage_plan_keys()
                    .usage_plan_id(plan_id)
                    .limit(500)
                    .into_paginator()
                    .stop_on_duplicate_token(false)
                    .send();
                let pages = pages::read_all(pages, &GET_USAGE_PLAN_KEYS, |p| p.position(), IfMissing::Error).await?;
                // The response carries each key's value: it is dropped here and never leaves this function.
                Ok(pages
                    .iter()
                    .flat_map(|p| p.items())
                    .map(|k| UsagePlanKey {
                        id: text(k.id()),
                        name: text(k.name()),
                        key_type: k.r#type().map(str::to_owned),
                    })
                    .collect())
            })
            .await
    }

    async fn api_keys_with_values(&self) -> (Fact<Vec<ApiKey>>, Arc<KeyValues>) {
        self.api_keys
            .get_or_init(|| async {
                let pages = self
                    .session
                    .client::<ApiGateway>()
                    .get_api_keys()
                    .include_values(self.want_key_values)
                    .limit(500)
                    .into_paginator()
                    .stop_on_duplicate_token(false)
                    .send();
                match pages::read_all(pages, &GET_API_KEYS, |p| p.position(), IfMissing::Error).await {
                    Err(e) => (Err(e), Arc::new(KeyValues::new())),
                    Ok(pages) => {
                        let items: Vec<_> = pages.iter().flat_map(|p| p.items()).collect();
                        let mut values = KeyValues::new();
                        let mut keys = Vec::with_capacity(items.len());
                        for k in items {
                            if let (Some(id), Some(value)) = (k.id(), k.value()) {
                                values.insert(id.to_owned(), Secret(value.to_owned()));
                            }
                            keys.push(ApiKey { id: text(k.id()), name: text(k.name()), enabled: k.enabled() });
                        }
                        (Ok(keys), Arc::new(values))
                    }
                }
            })
            .await
            .clone()
    }

    /// The value of the API key named `name` that a request to `stage` of API `api_id` carries. Students retry,
    /// so several keys may share the name: the key `usage_plan_key_exists` judges comes first (enabled, and a key
    /// of a usage plan bound to this stage), then any enabled key, then by id, so a grading is the same for the
    /// same account. The usage plans and their keys are read only when the name is shared.
    pub(crate) async fn api_key_value(
        &self,
        name: &str,
        api_id: &str,
        stage: &str,
    ) -> Result<Option<Secret>, FactError> {
        if !self.want_key_values {
            return Err(FactError::not_collected(format!("value of API key {name}")));
        }
        let (keys, values) = self.api_keys_with_values().await;
        let mut candidates: Vec<ApiKey> = keys?.into_iter().filter(|k| k.name == name).collect();
        let in_bound_plan =
            if candidates.len() > 1 { self.keys_of_plans_bound_to(api_id, stage).await? } else { Vec::new() };
        candidates.sort_by_key(|k| (!(k.enabled && in_bound_plan.contains(&k.id)), !k.enabled, k.id.clone()));
        Ok(candidates.first().and_then(|k| values.get(&k.id).cloned()))
    }

    /// The ids of the keys of every usage plan bound to `stage` of API `api_id`.
    async fn keys_of_plans_bound_to(&self, api_id: &str, stage: &str) -> Result<Vec<String>, FactError> {
        let plans = self.usage_plans().await?;
        let bound = plans.iter().filter(|p| p.api_stages.iter().any(|s| s.api_id == api_id && s.stage == stage));
        let keys = join_all(bound.map(|p| self.usage_plan_keys(&p.id))).await;
        let mut ids = Vec::new();
        for plan_keys in keys {
            ids.extend(plan_keys?.into_iter().map(|k| k.id));
        }
        Ok(ids)
    }

    /// Every API key value this round read (none unless a probe needs one): what a probe answer must not keep.
    pub(crate) async fn known_secrets(&self) -> Vec<Secret> {
        if !self.want_key_values {
            return Vec::new();
        }
        self.api_keys_with_values().await.1.values().cloned().collect()
    }

    pub(crate) async fn ids_of_apis_named(&self, name: &str) -> (Fact<Vec<RestApi>>, Vec<String>) {
        let apis = self.rest_apis().await;
        let ids = match &apis {
            Ok(list) => list.iter().filter(|a| a.name == name).map(|a| a.id.clone()).collect(),
            Err(_) => Vec::new(),
        };
        (apis, ids)
    }
}

fn convert_resource(r: aws_sdk_apigateway::types::Resource) -> Resource {
    let methods = r
        .resource_methods()
        .map(|methods| {
            methods
                .iter()
                .map(|(verb, m)| {
                    let method = Method {
                        http_method: m.http_method().unwrap_or(verb).to_owned(),
                        authorization_type: m.authorization_type().map(str::to_owned),
                        api_key_required: m.api_key_required().unwrap_or(false),
                        integration: m.method_integration().map(convert_integration),
                    };
                    (verb.clone(), method)
                })
                .collect()
        })
        .unwrap_or_default();
    Resource { id: text(r.id()), path: text(r.path()), parent_id: r.parent_id().map(str::to_owned), methods }
}

fn convert_integration(i: &aws_sdk_apigateway::types::Integration) -> Integration {
    let responses = i
        .integration_responses()
        .map(|responses| {
            responses
                .iter()
                .map(|(status, r)| {
                    let params = r.response_parameters().map(|p| p.clone().into_iter().collect()).unwrap_or_default();
                    (status.clone(), params)
                })
                .collect()
        })
        .unwrap_or_default();
    Integration {
        integration_type: i.r#type().map(|t| t.as_str().to_owned()),
        uri: i.uri().map(str::to_owned),
        http_method: i.http_method().map(str::to_owned),
        responses,
    }
}

fn convert_stage(st: &aws_sdk_apigateway::types::Stage) -> Stage {
    Stage {
        name: text(st.stage_name()),
        deployment_id: st.deployment_id().map(str::to_owned),
        variables: st.variables().map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default(),
        cache_cluster_enabled: st.cache_cluster_enabled(),
        cache_cluster_size: st.cache_cluster_size().map(|c| c.as_str().to_owned()),
        method_settings: st
            .method_settings()
            .map(|settings| {
                settings
                    .iter()
                    .map(|(path, m)| {
                        let setting = MethodSetting {
                            caching_enabled: m.caching_enabled(),
                            cache_ttl_seconds: Some(m.cache_ttl_in_seconds()),
                            throttling_rate_limit: Some(m.throttling_rate_limit()),
                            throttling_burst_limit: Some(m.throttling_burst_limit()),
                        };
                        (path.clone(), setting)
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn convert_usage_plan(p: &aws_sdk_apigateway::types::UsagePlan) -> UsagePlan {
    UsagePlan {
        id: text(p.id()),
        name: text(p.name()),
        description: p.description().map(str::to_owned),
        api_stages: p
            .api_stages()
            .iter()
            .map(|a| ApiStage { api_id: text(a.api_id()), stage: text(a.stage()) })
            .collect(),
        throttle: p
            .throttle()
            .map(|t| Throttle { burst_limit: Some(t.burst_limit()), rate_limit: Some(t.rate_limit()) }),
        quota: p.quota().map(|q| Quota { limit: Some(q.limit()), period: q.period().map(|p| p.as_str().to_owned()) }),
    }
}

crate::aws::sdk_client!(ApiGateway, aws_sdk_apigateway, TolerantJson);

impl Reading for ApiGateway {
    fn for_evidence(facts: &mut Facts) {
        super::evidence::for_evidence(facts);
    }

    type Reader = Reader;

    const ENUM_FIELDS: &'static [(&'static str, &'static str, &'static [&'static str])] = &[
        ("resources", "type", aws_sdk_apigateway::types::IntegrationType::values()),
        // A string in the SDK; the values API Gateway documents for `authorizationType`.
        ("resources", "authorization_type", &["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"]),
        ("usage_plans", "period", aws_sdk_apigateway::types::QuotaPeriodType::values()),
    ];
}
