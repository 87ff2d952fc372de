//! Deployed stages: existence, stage variables, caching and throttling.

use crate::providers::apigateway;
use std::collections::BTreeMap;

use super::{MethodRef, find_method, judge_apis_named};
use crate::facts::FactError;
use crate::i18n::{and, clauses, msg};
use crate::model::Verdict;
use crate::providers::apigateway::{RestApi, Stage};
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

/// The stage named `name` of `api`, or a failed verdict naming the stages there are.
fn stage_of<'a>(facts: &'a Facts, api: &RestApi, name: &str) -> Result<Result<&'a Stage, Verdict>, FactError> {
    let stages = facts.apigateway.stages(&api.id)?;
    Ok(stages.iter().find(|s| s.name == name).ok_or_else(|| {
        let names: Vec<&str> = stages.iter().map(|s| s.name.as_str()).collect();
        Verdict::fail(stages_missing(&api.name, &[name], &names))
    }))
}

/// "ItemsAPI has no stage prod (stages: dev)".
fn stages_missing(api: &str, missing: &[&str], found: &[&str]) -> crate::i18n::Message {
    let (name, count, stages) = (api, missing.len(), and(missing));
    if found.is_empty() {
        msg!("stages-missing-none", name, count, stages)
    } else {
        msg!("stages-missing", name, count, stages, found = and(found))
    }
}

/// Runs `judge` on the stage `name` of each API named `api` (a missing stage fails, naming the stages there are).
fn judge_stage(
    facts: &Facts,
    api: &str,
    name: &str,
    mut judge: impl FnMut(&Stage) -> Result<Verdict, FactError>,
) -> Result<Verdict, FactError> {
    judge_apis_named(facts, api, |rest_api| match stage_of(facts, rest_api, name)? {
        Ok(stage) => judge(stage),
        Err(verdict) => Ok(verdict),
    })
}

validator! {
    /// The REST API is deployed to every listed stage.
    ///
    /// Why: nothing in API Gateway is reachable until it is deployed to a stage; `dev` and `prod` are the
    /// lab's two environments.
    ///
    /// ```toml
    /// validator = "stages_deployed"
    /// params = { api = "ItemsAPI", stages = ["dev", "prod"] }
    /// ```
    pub struct StagesDeployed {
        /// REST API name.
        pub api: String,
        /// Stage names.
        pub stages: Vec<String>,
    }
}

impl Validator for StagesDeployed {
    fn reads(&self) -> Vec<Read> {
        vec![Read::from(apigateway::Read::RestApis), Read::from(apigateway::Read::Stages { api: self.api.clone() })]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("stages[].name"), Judged::items("stages")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_apis_named(facts, &self.api, |api| {
            let stages = facts.apigateway.stages(&api.id)?;
            let names: Vec<&str> = stages.iter().map(|s| s.name.as_str()).collect();
            let missing: Vec<&str> = self.stages.iter().map(String::as_str).filter(|s| !names.contains(s)).collect();
            let deployments: BTreeMap<&str, Option<&str>> =
                stages.iter().map(|s| (s.name.as_str(), s.deployment_id.as_deref())).collect();
            Ok(if missing.is_empty() {
                Verdict::pass(msg!("stages-deployed", name = &self.api, stages = and(&self.stages)))
            } else {
                Verdict::fail(stages_missing(&self.api, &missing, &names))
            }
            .with("api_id", &api.id)
            .with("deployments", deployments))
        })
    }
}

validator! {
    /// Each listed stage sets the stage variable that the method's Lambda integration uses to pick the alias,
    /// to the alias of the same name (stage `dev` -> alias `dev`), unless `aliases` maps stages to other aliases.
    ///
    /// Why: this is what makes `dev` run the `dev` alias and `prod` the `prod` alias from one API definition.
    /// The variable's name is read from the integration URI (`${stageVariables.alias}`).
    ///
    /// ```toml
    /// validator = "stage_variables_select_aliases"
    /// params = { api = "ItemsAPI", method = "GET /items", stages = ["dev", "prod"] }
    /// ```
    pub struct StageVariablesSelectAliases {
        /// REST API name.
        pub api: String,
        /// Stage names.
        pub stages: Vec<String>,
        /// The method whose integration names the stage variable.
        pub method: MethodRef,
        /// Alias per stage where it differs from the stage's name.
        #[serde(default)]
        pub aliases: BTreeMap<String, String>,
    }
}

impl Validator for StageVariablesSelectAliases {
    fn reads(&self) -> Vec<Read> {
        vec![
            Read::from(apigateway::Read::RestApis),
            Read::from(apigateway::Read::Resources { api: self.api.clone() }),
            Read::from(apigateway::Read::Stages { api: self.api.clone() }),
        ]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("stages[].variables"), Judged::field("stages[].variables.*")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_apis_named(facts, &self.api, |api| {
            let resources = facts.apigateway.resources(&api.id)?;
            let method = match find_method(resources, &self.method) {
                Ok(m) => m,
                Err(missing) => return Ok(Verdict::fail(msg!("on-api", name = &self.api, problems = missing))),
            };
            let target = method.integration.as_ref().and_then(|i| i.lambda_target());
            let Some(variable) = target.as_ref().and_then(|t| t.stage_variable()) else {
                return Ok(Verdict::fail(msg!(
                    "alias-not-by-variable",
                    method = self.method.to_string(),
                    name = &self.api
                )));
            };
            let mut problems = Vec::new();
            let mut set = BTreeMap::new();
            for stage_name in &self.stages {
                let expected = self.aliases.get(stage_name).unwrap_or(stage_name);
                let stage = match stage_of(facts, api, stage_name)? {
                    Ok(stage) => stage,
                    Err(verdict) => {
                        problems.push(verdict.message);
                        continue;
                    }
                };
                match stage.variables.get(variable) {
                    Some(value) if value == expected => {
                        set.insert(stage_name.clone(), value.clone());
                    }
                    Some(value) => {
                        problems.push(msg!("variable-other-value", stage = stage_name, variable, value, expected))
                    }
                    None => problems.push(msg!("variable-unset", stage = stage_name, variable)),
                }
            }
            Ok(if problems.is_empty() {
                let pairs: Vec<String> = set.iter().map(|(s, v)| format!("{s} -> {v}")).collect();
                Verdict::pass(msg!("variable-selects-aliases", variable, pairs = and(pairs)))
            } else {
                Verdict::fail(msg!("problems", problems = clauses(problems)))
            }
            .with("stage_variable", variable)
            .with("values", &set))
        })
    }
}

validator! {
    /// The stage has an API cache cluster enabled; its size is reported.
    ///
    /// Why: caching answers repeated GETs without invoking the backend, cutting latency and Lambda cost.
    ///
    /// ```toml
    /// validator = "stage_cache_enabled"
    /// params = { api = "ItemsAPI", stage = "prod" }
    /// ```
    pub struct StageCacheEnabled {
        /// REST API name.
        pub api: String,
        /// Stage name.
        pub stage: String,
    }
}

impl Validator for StageCacheEnabled {
    fn reads(&self) -> Vec<Read> {
        vec![Read::from(apigateway::Read::RestApis), Read::from(apigateway::Read::Stages { api: self.api.clone() })]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("stages[].cache_cluster_enabled")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_stage(facts, &self.api, &self.stage, |stage| {
            let size = stage.cache_cluster_size.as_deref().unwrap_or("unknown");
            let (stage_name, name) = (&self.stage, &self.api);
            Ok(if stage.cache_cluster_enabled {
                Verdict::pass(msg!("cache-cluster", stage = stage_name, name, size)).with("cache_cluster_size", size)
            } else {
                Verdict::fail(msg!("cache-cluster-off", stage = stage_name, name))
            })
        })
    }
}

validator! {
    /// Caching is enabled in the stage's method settings (for all methods, `*/*`, or for one), with a time to
    /// live above 0.
    ///
    /// Why: a cache cluster alone caches nothing; methods must have caching enabled to use it, and a TTL of 0
    /// turns caching off (API Gateway developer guide, "Enable API caching").
    ///
    /// ```toml
    /// validator = "stage_method_caching_enabled"
    /// params = { api = "ItemsAPI", stage = "prod" }
    /// ```
    pub struct StageMethodCachingEnabled {
        /// REST API name.
        pub api: String,
        /// Stage name.
        pub stage: String,
    }
}

impl Validator for StageMethodCachingEnabled {
    fn reads(&self) -> Vec<Read> {
        vec![Read::from(apigateway::Read::RestApis), Read::from(apigateway::Read::Stages { api: self.api.clone() })]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![
            Judged::field("stages[].method_settings"),
            Judged::field("stages[].method_settings.*"),
            Judged::field("stages[].method_settings.*.caching_enabled"),
            Judged::field("stages[].method_settings.*.cache_ttl_seconds"),
        ]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_stage(facts, &self.api, &self.stage, |stage| {
            let enabled = stage.method_settings.iter().filter(|(_, m)| m.caching_enabled);
            let (zero_ttl, cached): (Vec<_>, Vec<_>) = enabled.partition(|(_, m)| m.cache_ttl_seconds == Some(0));
            let cached: Vec<String> = cached
                .into_iter()
                .map(|(path, m)| match m.cache_ttl_seconds {
                    Some(ttl) => format!("{path} (TTL {ttl} s)"),
                    None => path.clone(),
                })
                .collect();
            let zero_ttl: Vec<&String> = zero_ttl.into_iter().map(|(path, _)| path).collect();
            let (stage_name, name) = (&self.stage, &self.api);
            Ok(if cached.is_empty() && !zero_ttl.is_empty() {
                Verdict::fail(msg!("caching-zero-ttl", stage = stage_name, name, settings = and(&zero_ttl)))
            } else if cached.is_empty() {
                Verdict::fail(msg!("caching-off", stage = stage_name, name))
            } else {
                Verdict::pass(msg!("caching-on", stage = stage_name, name, settings = and(&cached)))
            }
            .with("cached", &cached))
        })
    }
}

fn default_rate_limit() -> f64 {
    10_000.0
}

validator! {
    /// Requests to the stage are throttled below the account's default: a rate limit above 0 and below
    /// `account_default_rate` (10000 requests/s) in the stage's method settings, or a throttle on the named
    /// usage plan.
    ///
    /// Why: throttling protects the backend from bursts; the account default is what every stage gets anyway,
    /// so only a lower limit shows the student set one.
    ///
    /// ```toml
    /// validator = "throttling_configured"
    /// params = { api = "ItemsAPI", stage = "prod", plan = "CloudAcademyPlan" }
    /// ```
    pub struct ThrottlingConfigured {
        /// REST API name.
        pub api: String,
        /// Stage name.
        pub stage: String,
        /// A usage plan whose throttle also counts.
        #[serde(default)]
        pub plan: Option<String>,
        /// The account-level default rate (requests/s); a stage limit must be below it.
        #[serde(default = "default_rate_limit")]
        pub account_default_rate: f64,
    }
}

impl Validator for ThrottlingConfigured {
    fn reads(&self) -> Vec<Read> {
        let mut needs = vec![
            Read::from(apigateway::Read::RestApis),
            Read::from(apigateway::Read::Stages { api: self.api.clone() }),
        ];
        if self.plan.is_some() {
            needs.push(Read::from(apigateway::Read::UsagePlans));
        }
        needs
    }

    fn judges(&self) -> Vec<Judged> {
        vec![
            Judged::field("stages[].method_settings"),
            Judged::field("stages[].method_settings.*"),
            Judged::field("stages[].method_settings.*.throttling_rate_limit"),
            Judged::field("usage_plans[].throttle"),
            Judged::field("usage_plans[].throttle.rate_limit"),
        ]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_stage(facts, &self.api, &self.stage, |stage| {
            let limited: Vec<_> = stage
                .method_settings
                .iter()
                .filter_map(|(path, m)| {
                    let rate = m.throttling_rate_limit?;
                    (rate > 0.0 && rate < self.account_default_rate).then(|| match m.throttling_burst_limit {
                        Some(burst) => msg!("throttle-rate-burst", path, rate, burst),
                        None => msg!("throttle-rate", path, rate),
                    })
                })
                .collect();
            let (stage_name, name) = (&self.stage, &self.api);
            if !limited.is_empty() {
                let evidence: Vec<String> = limited.iter().map(ToString::to_string).collect();
                return Ok(Verdict::pass(msg!("stage-throttles", stage = stage_name, name, limits = and(limited)))
                    .with("stage_throttling", evidence));
            }
            if let Some(plan_name) = &self.plan {
                let plans = facts.apigateway.usage_plans()?;
                let throttled = plans.iter().filter(|p| &p.name == plan_name).find_map(|p| {
                    let rate = p.throttle.as_ref()?.rate_limit?;
                    (rate > 0.0).then_some(rate)
                });
                if let Some(rate) = throttled {
                    return Ok(Verdict::pass(msg!("plan-throttles", plan = plan_name, rate))
                        .with("usage_plan_rate_limit", rate));
                }
                return Ok(Verdict::fail(msg!("no-throttling-nor-plan", stage = stage_name, name, plan = plan_name)));
            }
            Ok(Verdict::fail(msg!("no-throttling", stage = stage_name, name)))
        })
    }
}

#[cfg(test)]
mod tests;
