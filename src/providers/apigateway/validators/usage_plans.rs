//! Usage plans and their keys.

use crate::providers::apigateway;
use std::collections::BTreeSet;

use crate::facts::FactError;
use crate::i18n::{and, msg};
use crate::model::Verdict;
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

validator! {
    /// A usage plan with this name exists and is bound to every listed stage of the named REST API.
    ///
    /// Why: API keys only work through a usage plan, and a plan only applies to the API stages bound to it; a
    /// plan bound to `dev` alone leaves `prod` without key enforcement. The message names what is missing: the
    /// plan, the API, or the stages not bound.
    ///
    /// ```toml
    /// validator = "usage_plan_exists"
    /// params = { name = "CloudAcademyPlan", api = "ItemsAPI", stages = ["dev", "prod"] }
    /// ```
    pub struct UsagePlanExists {
        /// Usage plan name.
        pub name: String,
        /// REST API name.
        pub api: String,
        /// Stages of that API the plan must be bound to.
        pub stages: Vec<String>,
    }
}

impl Validator for UsagePlanExists {
    fn reads(&self) -> Vec<Read> {
        vec![Read::from(apigateway::Read::UsagePlans), Read::from(apigateway::Read::RestApis)]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![
            Judged::field("usage_plans[].name"),
            Judged::field("usage_plans[].api_stages"),
            Judged::items("usage_plans[].api_stages"),
            Judged::field("usage_plans[].api_stages[].api_id"),
            Judged::field("usage_plans[].api_stages[].stage"),
        ]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let all_plans = facts.apigateway.usage_plans()?;
        let plans: Vec<_> = all_plans.iter().filter(|p| p.name == self.name).collect();
        if plans.is_empty() {
            let others: Vec<&str> = all_plans.iter().map(|p| p.name.as_str()).collect();
            let plan = &self.name;
            return Ok(Verdict::fail(if others.is_empty() {
                msg!("plan-missing-none-in-account", plan)
            } else {
                msg!("plan-missing-found", plan, found = and(others))
            }));
        }
        let api_ids: BTreeSet<&str> = facts.apigateway.apis_named(&self.api)?.iter().map(|a| a.id.as_str()).collect();
        let (plan_name, name) = (&self.name, &self.api);
        if api_ids.is_empty() {
            return Ok(Verdict::fail(msg!("plan-without-api", plan = plan_name, name))
                .with("usage_plan_ids", plans.iter().map(|p| &p.id).collect::<Vec<_>>()));
        }

        let mut best: Option<(Verdict, usize)> = None;
        for plan in plans {
            let bound: BTreeSet<&str> = plan
                .api_stages
                .iter()
                .filter(|s| api_ids.contains(s.api_id.as_str()))
                .map(|s| s.stage.as_str())
                .collect();
            let missing: Vec<&str> = self.stages.iter().map(String::as_str).filter(|s| !bound.contains(s)).collect();
            let bound_list: Vec<&str> = bound.iter().copied().collect();
            let verdict = if missing.is_empty() {
                Verdict::pass(msg!("plan-bound", plan = plan_name, name, stages = and(&self.stages)))
            } else if bound.is_empty() {
                let elsewhere: Vec<String> = plan
                    .api_stages
                    .iter()
                    .map(|s| format!("{}/{}", facts.apigateway.api_name(&s.api_id).unwrap_or(&s.api_id), s.stage))
                    .collect();
                Verdict::fail(if elsewhere.is_empty() {
                    msg!("plan-unbound-no-stages", plan = plan_name, name)
                } else {
                    msg!("plan-bound-elsewhere", plan = plan_name, name, stages = and(elsewhere))
                })
            } else {
                Verdict::fail(msg!(
                    "plan-bound-partly",
                    plan = plan_name,
                    name,
                    bound = and(&bound_list),
                    count = missing.len(),
                    missing = and(&missing)
                ))
            };
            let verdict =
                verdict.with("usage_plan_id", &plan.id).with("api_ids", &api_ids).with("bound_stages", &bound_list);
            if verdict.passed {
                return Ok(verdict);
            }
            if best.as_ref().is_none_or(|(_, m)| missing.len() < *m) {
                best = Some((verdict, missing.len()));
            }
        }
        Ok(best.expect("at least one plan").0)
    }
}

validator! {
    /// An API key with this name exists, is enabled, and is a key of the named usage plan.
    ///
    /// Why: a key that is not in a usage plan (or is disabled) is rejected by API Gateway with 403, so the
    /// student's authenticated requests fail even though the key exists.
    ///
    /// ```toml
    /// validator = "usage_plan_key_exists"
    /// params = { key = "LabKey", plan = "CloudAcademyPlan" }
    /// ```
    pub struct UsagePlanKeyExists {
        /// API key name.
        pub key: String,
        /// Usage plan name.
        pub plan: String,
    }
}

impl Validator for UsagePlanKeyExists {
    fn reads(&self) -> Vec<Read> {
        vec![
            Read::from(apigateway::Read::ApiKeys),
            Read::from(apigateway::Read::UsagePlans),
            Read::from(apigateway::Read::UsagePlanKeys { plan: self.plan.clone() }),
        ]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![
            Judged::field("api_keys[].name"),
            Judged::field("api_keys[].enabled"),
            Judged::field("usage_plan_keys[].id"),
            Judged::items("usage_plan_keys"),
        ]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let keys: Vec<_> = facts.apigateway.api_keys()?.iter().filter(|k| k.name == self.key).collect();
        if keys.is_empty() {
            return Ok(Verdict::fail(msg!("key-missing", key = &self.key)));
        }
        let (key_name, plan_name) = (&self.key, &self.plan);
        let key_ids: Vec<&str> = keys.iter().map(|k| k.id.as_str()).collect();
        let plans: Vec<_> = facts.apigateway.usage_plans()?.iter().filter(|p| p.name == self.plan).collect();
        if plans.is_empty() {
            return Ok(
                Verdict::fail(msg!("key-without-plan", key = key_name, plan = plan_name)).with("api_key_ids", &key_ids)
            );
        }
        let mut disabled_in_plan = None;
        for plan in &plans {
            let plan_key_ids: BTreeSet<&str> =
                facts.apigateway.usage_plan_keys(&plan.id)?.iter().map(|k| k.id.as_str()).collect();
            for key in keys.iter().filter(|k| plan_key_ids.contains(k.id.as_str())) {
                if key.enabled {
                    return Ok(Verdict::pass(msg!("key-in-plan", key = key_name, plan = plan_name))
                        .with("api_key_id", &key.id)
                        .with("usage_plan_id", &plan.id));
                }
                disabled_in_plan.get_or_insert((key.id.clone(), plan.id.clone()));
            }
        }
        if let Some((key_id, plan_id)) = disabled_in_plan {
            return Ok(Verdict::fail(msg!("key-disabled", key = key_name, plan = plan_name))
                .with("api_key_id", key_id)
                .with("usage_plan_id", plan_id));
        }
        Ok(Verdict::fail(msg!("key-not-in-plan", key = key_name, plan = plan_name))
            .with("api_key_ids", &key_ids)
            .with("usage_plan_ids", plans.iter().map(|p| &p.id).collect::<Vec<_>>()))
    }
}

validator! {
    /// The named usage plan has throttling (rate and burst above 0) and a quota (limit above 0 per period).
    ///
    /// Why: the plan's throttle and quota are what limit each API key's consumers; a plan without them only
    /// groups keys.
    ///
    /// ```toml
    /// validator = "usage_plan_limits_enabled"
    /// params = { name = "CloudAcademyPlan" }
    /// ```
    pub struct UsagePlanLimitsEnabled {
        /// Usage plan name.
        pub name: String,
    }
}

impl Validator for UsagePlanLimitsEnabled {
    fn reads(&self) -> Vec<Read> {
        vec![Read::from(apigateway::Read::UsagePlans)]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![
            Judged::field("usage_plans[].throttle"),
            Judged::field("usage_plans[].throttle.*"),
            Judged::field("usage_plans[].quota"),
            Judged::field("usage_plans[].quota.*"),
        ]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let plans: Vec<_> = facts.apigateway.usage_plans()?.iter().filter(|p| p.name == self.name).collect();
        if plans.is_empty() {
            return Ok(Verdict::fail(msg!("plan-missing", plan = &self.name)));
        }
        let plan_name = &self.name;
        let mut first_failure = None;
        for plan in plans {
            let throttle = plan.throttle.as_ref().and_then(|t| {
                let (rate, burst) = (t.rate_limit?, t.burst_limit?);
                (rate > 0.0 && burst > 0).then_some((rate, burst))
            });
            let quota = plan.quota.as_ref().and_then(|q| {
                let limit = q.limit?;
                (limit > 0).then(|| (limit, q.period.clone().unwrap_or_else(|| "period".into())))
            });
            let plan_limits = |limits: &'static str| msg!("plan-limits", plan = plan_name, limits);
            let verdict = match (throttle, quota) {
                (Some((rate, burst)), Some((limit, period))) => Verdict::pass(msg!(
                    "plan-limited",
                    plan = plan_name,
                    rate,
                    burst,
                    limit,
                    period = period.to_ascii_lowercase()
                )),
                (None, None) => Verdict::fail(plan_limits("none")),
                (None, Some(_)) => Verdict::fail(plan_limits("quota-only")),
                (Some(_), None) => Verdict::fail(plan_limits("throttle-only")),
            }
            .with("usage_plan_id", &plan.id);
            if verdict.passed {
                return Ok(verdict);
            }
            first_failure.get_or_insert(verdict);
        }
        Ok(first_failure.expect("at least one plan"))
    }
}

#[cfg(test)]
mod tests;
