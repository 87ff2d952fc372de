//! How the API reaches the function: each method a Lambda proxy integration selecting the alias by a stage variable,
//! and the function's resource policy letting API Gateway invoke it for those methods.

use crate::providers::apigateway;
use std::collections::BTreeMap;

use crate::facts::FactError;
use crate::i18n::{Message, and, clauses, msg};
use crate::model::Verdict;
use crate::policy::{self, Caller, Decision, Policy};
use crate::providers::across::behind_api::{judge_function, lambda_needs};
use crate::providers::apigateway::validators::{MethodRef, find_method, judge_apis_named, method_names};
use crate::providers::apigateway::{LambdaTarget, Resource, Stage};
use crate::providers::lambda::Part;
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

validator! {
    /// Each listed method is a Lambda proxy integration (`AWS_PROXY`) calling Lambda with POST, with the same
    /// function, whose URI selects the alias by a stage variable (`...:function:NAME:${stageVariables.alias}`).
    ///
    /// Why: with the alias chosen by a stage variable, one API definition serves every stage and each stage
    /// runs its own alias. `stage_variable` fixes the variable's name; without it any name is accepted. Lambda's
    /// Invoke API takes POST only: an integration that calls it with GET answers 500 to every request (API
    /// Gateway developer guide, "Set up Lambda proxy integrations").
    ///
    /// ```toml
    /// validator = "lambda_proxy_integration"
    /// params = { api = "ItemsAPI", methods = ["GET /items", "GET /items/{ID}"] }
    /// ```
    pub struct LambdaProxyIntegration {
        /// REST API name.
        pub api: String,
        /// Methods as `"VERB /resource/path"`.
        pub methods: Vec<MethodRef>,
        /// The stage variable that must select the alias; any if absent.
        #[serde(default)]
        pub stage_variable: Option<String>,
    }
}

impl Validator for LambdaProxyIntegration {
    fn reads(&self) -> Vec<Read> {
        vec![Read::from(apigateway::Read::RestApis), Read::from(apigateway::Read::Resources { api: self.api.clone() })]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![
            Judged::field("resources[].methods.*.integration"),
            Judged::field("resources[].methods.*.integration.type"),
            Judged::field("resources[].methods.*.integration.uri"),
            Judged::field("resources[].methods.*.integration.http_method"),
        ]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_apis_named(facts, &self.api, |rest_api| {
            let resources = facts.apigateway.resources(&rest_api.id)?;
            let mut problems = Vec::new();
            let mut targets: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for wanted in &self.methods {
                let method = match find_method(resources, wanted) {
                    Ok(m) => m,
                    Err(missing) => {
                        problems.push(missing);
                        continue;
                    }
                };
                let integration = method.integration.as_ref();
                let kind = integration.and_then(|i| i.integration_type.as_deref()).unwrap_or("no");
                let method = wanted.to_string();
                if kind != "AWS_PROXY" {
                    problems.push(msg!("not-proxy", method, kind));
                    continue;
                }
                let Some(target) = integration.and_then(|i| i.lambda_target()) else {
                    problems.push(msg!("proxy-not-lambda", method));
                    continue;
                };
                let calls_with = integration.and_then(|i| i.http_method.as_deref()).unwrap_or("no method");
                if calls_with != "POST" {
                    problems.push(msg!("proxy-not-post", method = &method, found = calls_with));
                }
                let invoked = match &target.qualifier {
                    Some(q) => format!("{}:{q}", target.function_name),
                    None => target.function_name.clone(),
                };
                match (target.stage_variable(), &self.stage_variable) {
                    (None, _) => problems.push(msg!("proxy-fixed-alias", method, function = &invoked)),
                    (Some(var), Some(wanted_var)) if var != wanted_var => problems.push(msg!(
                        "proxy-other-variable",
                        method,
                        found = format!("${{stageVariables.{var}}}"),
                        wanted = format!("${{stageVariables.{wanted_var}}}")
                    )),
                    _ => {}
                }
                targets.entry(invoked).or_default().push(wanted.to_string());
            }
            if targets.len() > 1 {
                let each: Vec<Message> = targets
                    .iter()
                    .map(|(function, methods)| msg!("methods-invoke", methods = and(methods), function))
                    .collect();
                problems.push(msg!("proxy-different-functions", each = clauses(each)));
            }
            let invoked: Vec<&String> = targets.keys().collect();
            if !problems.is_empty() {
                return Ok(Verdict::fail(msg!("on-api", name = &self.api, problems = clauses(problems)))
                    .with("api_id", &rest_api.id)
                    .with("invokes", &invoked));
            }
            Ok(Verdict::pass(msg!(
                "proxy-integrations",
                count = self.methods.len(),
                methods = and(method_names(&self.methods)),
                name = &self.api,
                functions = and(&invoked)
            ))
            .with("api_id", &rest_api.id)
            .with("invokes", &invoked))
        })
    }
}

validator! {
    /// The resource policy of each listed alias of the function behind the API lets API Gateway invoke it for
    /// every method of this API that integrates with the function, judged as AWS judges the call: principal
    /// `apigateway.amazonaws.com` (or `*`), action `lambda:InvokeFunction`, the alias's ARN, and the conditions
    /// on `AWS:SourceArn` (`arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/VERB/PATH`, wildcards allowed) and
    /// `AWS:SourceAccount`; a Deny wins. A condition labcheck does not evaluate is named, never taken as met.
    ///
    /// Why: with the alias chosen by a stage variable, the console cannot add the permission for you; without
    /// it every call through the stage fails with 500 "Invalid permissions on Lambda function". A statement for
    /// `GET/items` alone does not cover `GET /items/{ID}` (path parameters count as values: `GET/items/*`).
    /// The stage in the source ARN is each stage whose stage variable selects the alias (a stage named like the
    /// alias while none is deployed). `methods` defaults to every method that invokes the function.
    ///
    /// ```toml
    /// validator = "lambda_invoke_permission"
    /// params = { api = "ItemsAPI", method = "GET /items", aliases = ["dev", "prod"], methods = ["GET /items", "GET /items/{ID}"] }
    /// ```
    pub struct LambdaInvokePermission {
        /// REST API name.
        pub api: String,
        /// The method whose integration names the function.
        pub method: MethodRef,
        /// Aliases that must be invocable.
        pub aliases: Vec<String>,
        /// Methods that must be able to invoke each alias (default: every method integrating with the function).
        #[serde(default)]
        pub methods: Option<Vec<MethodRef>>,
    }
}

impl LambdaInvokePermission {
    /// The methods to cover: the listed ones, or every method of the API that invokes `function`.
    fn graded_methods(&self, resources: &[Resource], function: &str) -> Vec<MethodRef> {
        if let Some(methods) = &self.methods {
            return methods.clone();
        }
        let mut methods: Vec<MethodRef> = resources
            .iter()
            .flat_map(|r| r.methods.iter().map(move |(verb, m)| (r, verb, m)))
            .filter(|(_, _, m)| {
                m.integration.as_ref().and_then(|i| i.lambda_target()).is_some_and(|t| t.function_name == function)
            })
            .map(|(r, verb, _)| MethodRef { method: verb.clone(), path: r.path.clone() })
            .collect();
        methods.sort();
        methods
    }
}

/// The stages whose calls reach `alias`: those whose stage variable selects it (or every stage, for a URI naming
/// the alias itself). While none is deployed, a stage named like the alias.
fn stages_invoking(stages: &[Stage], target: &LambdaTarget, alias: &str) -> Vec<String> {
    let selecting: Vec<String> = match (target.stage_variable(), target.qualifier.as_deref()) {
        (Some(variable), _) => stages
            .iter()
            .filter(|s| s.variables.get(variable).is_some_and(|v| v == alias))
            .map(|s| s.name.clone())
            .collect(),
        (None, Some(fixed)) if fixed == alias => stages.iter().map(|s| s.name.clone()).collect(),
        (None, _) => Vec::new(),
    };
    if selecting.is_empty() { vec![alias.to_owned()] } else { selecting }
}

/// The execute-api ARN of a call to `method` on `stage` (path parameters filled with a value, as in a real call).
fn source_arn(target: &LambdaTarget, api_id: &str, stage: &str, method: &MethodRef) -> String {
    let path = crate::providers::probes::validators::probes::fill_path(&method.path, &BTreeMap::new());
    format!("arn:aws:execute-api:{}:{}:{api_id}/{stage}/{}{path}", target.region, target.account, method.method)
}

impl Validator for LambdaInvokePermission {
    fn reads(&self) -> Vec<Read> {
        let mut needs = lambda_needs(&self.api, self.aliases.iter().map(|a| Part::Policy(a.clone())));
        needs.push(Read::from(apigateway::Read::Stages { api: self.api.clone() }));
        needs
    }

    fn judges(&self) -> Vec<Judged> {
        vec![
            Judged::field("lambda_policies.Statement"),
            Judged::field("lambda_policies.Statement[]"),
            Judged::field("lambda_policies.Statement[].Effect"),
            Judged::field("lambda_policies.Statement[].Action"),
            Judged::field("lambda_policies.Statement[].Principal"),
            Judged::field("lambda_policies.Statement[].Principal.Service"),
            Judged::field("lambda_policies.Statement[].Resource"),
            Judged::field("lambda_policies.Statement[].Condition"),
            Judged::field("lambda_policies.Statement[].Condition.*"),
            Judged::field("lambda_policies.Statement[].Condition.*.*"),
            Judged::items("lambda_policies.Statement"),
        ]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_function(facts, &self.api, &self.method, |api_id, target| {
            let name = &target.function_name;
            let methods = self.graded_methods(facts.apigateway.resources(api_id)?, name);
            let stages = facts.apigateway.stages(api_id)?;
            let mut problems = Vec::new();
            for alias in &self.aliases {
                let Some(policy) = facts.lambda.lambda_policy(name, alias)? else {
                    problems.push(msg!("policy-missing", function = format!("{name}:{alias}")));
                    continue;
                };
                let function_arn =
                    format!("arn:aws:lambda:{}:{}:function:{name}:{alias}", target.region, target.account);
                let mut refused = Vec::new();
                for stage in stages_invoking(stages, target, alias) {
                    for method in &methods {
                        let source = source_arn(target, api_id, &stage, method);
                        let context = [("aws:SourceArn", source.as_str()), ("aws:SourceAccount", &target.account)];
                        let request = policy::Request {
                            caller: Caller::Service("apigateway.amazonaws.com"),
                            action: "lambda:InvokeFunction",
                            resource: Some(&function_arn),
                            context: &context,
                        };
                        let method = method.to_string();
                        match policy::decide(&[Policy { label: "resource policy", document: policy }], &request) {
                            Decision::Allowed { .. } => {}
                            Decision::NotAllowed => refused.push(msg!("method-on-stage", method, stage = &stage)),
                            Decision::Denied { sid: Some(sid), .. } => {
                                refused.push(msg!("denied-by", method, stage = &stage, sid))
                            }
                            Decision::Denied { sid: None, .. } => {
                                refused.push(msg!("denied-by-unnamed", method, stage = &stage))
                            }
                            Decision::Unjudged { what } => {
                                refused.push(msg!("policy-unjudged", method, stage = &stage, what))
                            }
                        }
                    }
                }
                if !refused.is_empty() {
                    let function = format!("{name}:{alias}");
                    problems.push(msg!("policy-refuses", function, requests = and(refused)));
                }
            }
            let methods_text = method_names(&methods);
            Ok(if problems.is_empty() {
                let aliases: Vec<String> = self.aliases.iter().map(|a| format!("{name}:{a}")).collect();
                Verdict::pass(msg!("policy-allows", functions = and(aliases), methods = and(&methods_text)))
            } else {
                Verdict::fail(msg!("problems", problems = clauses(problems)))
            }
            .with("methods", &methods_text))
        })
    }
}
