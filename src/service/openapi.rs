//! The service's OpenAPI 3.1 document, `GET /openapi.json`. The handlers and their request and answer types
//! describe themselves (`#[utoipa::path]`, `ToSchema`) and are routed by the same [`utoipa_axum`] router, so the
//! document cannot drift from the code. Completed here, from the code too: the answers the token middleware gives
//! every endpoint behind it, the formats of `?format=` (from the one list of formats), and the security schemes.

use std::sync::Arc;

use axum::Extension;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa::ToSchema;
use utoipa::openapi::path::{Operation, Parameter};
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, OpenApi, RefOr, Response as ApiResponse, ResponseBuilder};

use super::errors::ErrorBody;

/// The document's frame: what the service is, its tags and its security schemes.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "labcheck",
        description = "Grades the state of an AWS account against a hands-on cloud lab. A platform (a bearer token of \
the service's) may do everything; a learner session (a token from POST /v1/sessions) grades its own lab against its \
own account and reads its own learner's progress, nothing else.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "grading", description = "Grade an account against a lab"),
        (name = "labs", description = "The labs served"),
        (name = "progress", description = "Learners' progress and kept gradings"),
        (name = "sessions", description = "Learner sessions (platforms only)"),
        (name = "learner page", description = "The learner's Check my progress page"),
        (name = "lti", description = "LTI 1.3: an LMS launching learners, and its gradebook"),
        (name = "operations", description = "Health, metrics and this document"),
    )
)]
pub(super) struct Frame;

struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("A platform token (--tokens-file), or a learner session's token (lcs.…)"))
            .build();
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
        let cookie = ApiKey::Cookie(ApiKeyValue::with_description(
            super::page::COOKIE,
            "The learner page's cookie, set by POST /learn/{session_id}/open",
        ));
        components.add_security_scheme("session_cookie", SecurityScheme::ApiKey(cookie));
    }
}

/// What the token middleware answers before any handler: added to every operation behind it.
pub(super) fn behind_the_token(openapi: &mut OpenApi) {
    let errors = [
        ("401", "No token, or one that opens nothing (or an expired or revoked session)"),
        ("429", "Too many bad tokens from this address (`Retry-After`)"),
        ("503", "A session token could not be checked: the store cannot answer"),
    ];
    for operation in operations(openapi) {
        for (status, description) in errors {
            operation.responses.responses.entry(status.to_owned()).or_insert_with(|| error(description));
        }
    }
}

/// The finished document: `?format=` names every format and each 200 answer every format's content type; a lab id
/// is one of the `labs` served; every operation with a path parameter says it may answer 400 (not decodable) and
/// 404 (no such path).
pub(super) fn finish(mut openapi: OpenApi, labs: &[&str]) -> OpenApi {
    let mut components = Vec::new();
    let formats = format_contents(&mut components);
    let schemas = &mut openapi.components.get_or_insert_with(Default::default).schemas;
    for (name, schema) in components {
        schemas.entry(name).or_insert(schema);
    }
    if let Some(RefOr::T(Schema::Object(session))) = schemas.get_mut("NewSession")
        && let Some(RefOr::T(Schema::Object(lab))) = session.properties.get_mut("lab")
    {
        lab.enum_values = Some(labs.iter().map(|id| serde_json::Value::from(*id)).collect());
    }
    for operation in operations(&mut openapi) {
        let parameters = operation.parameters.iter().flatten();
        let names: Vec<(String, bool)> = parameters
            .filter_map(|p| match p {
                RefOr::T(p) => {
                    Some((p.name.clone(), matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Path)))
                }
                RefOr::Ref(_) => None,
            })
            .collect();
        if names.iter().any(|(name, _)| name == "format") && !names_its_own_formats(operation) {
            name_the_formats(operation, &formats);
        }
        one_of_the_labs(operation, labs);
        if names.iter().any(|(_, in_path)| *in_path) {
            let responses = &mut operation.responses.responses;
            responses.entry("400".into()).or_insert_with(|| error("A path parameter that does not decode"));
            responses.entry("404".into()).or_insert_with(|| error("No such path"));
        }
    }
    openapi
}

/// Each content type the formats answer in, with its schema (one of several when formats share a type).
fn format_contents(components: &mut Vec<(String, RefOr<Schema>)>) -> Vec<(String, RefOr<Schema>)> {
    let mut contents: Vec<(String, Vec<RefOr<Schema>>)> = Vec::new();
    for format in crate::report::FORMATS {
        let schema = format.document_schema(components);
        match contents.iter_mut().find(|(media, _)| media == format.content_type()) {
            Some((_, schemas)) if !schemas.contains(&schema) => schemas.push(schema),
            Some(_) => {}
            None => contents.push((format.content_type().to_owned(), vec![schema])),
        }
    }
    contents
        .into_iter()
        .map(|(media, mut schemas)| {
            let schema = match schemas.len() {
                1 => schemas.remove(0),
                _ => RefOr::T(Schema::OneOf(schemas.into_iter().fold(OneOfBuilder::new(), OneOfBuilder::item).build())),
            };
            (media, schema)
        })
        .collect()
}

/// An operation whose `format` already lists its values (the cohort's formats are not the report's).
fn names_its_own_formats(operation: &Operation) -> bool {
    operation.parameters.iter().flatten().any(|parameter| match parameter {
        RefOr::T(Parameter { name, schema: Some(RefOr::T(Schema::Object(object))), .. }) => {
            name == "format" && object.enum_values.is_some()
        }
        RefOr::T(_) | RefOr::Ref(_) => false,
    })
}

fn name_the_formats(operation: &mut Operation, contents: &[(String, RefOr<Schema>)]) {
    let names: Vec<&str> = crate::report::FORMATS.iter().map(|f| f.name()).collect();
    for parameter in operation.parameters.iter_mut().flatten() {
        if let RefOr::T(Parameter { name, schema, .. }) = parameter
            && name == "format"
        {
            let formats = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(names.clone()));
            *schema = Some(RefOr::T(Schema::Object(formats.build())));
        }
    }
    if let Some(RefOr::T(ok)) = operation.responses.responses.get_mut("200") {
        ok.content = contents
            .iter()
            .map(|(media, schema)| (media.clone(), RefOr::T(Content::new(Some(schema.clone())))))
            .collect();
    }
}

/// `lab_id` in a path: one of the labs served.
fn one_of_the_labs(operation: &mut Operation, labs: &[&str]) {
    for parameter in operation.parameters.iter_mut().flatten() {
        if let RefOr::T(Parameter { name, schema, .. }) = parameter
            && name == "lab_id"
        {
            let ids = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(labs.to_vec()));
            *schema = Some(RefOr::T(Schema::Object(ids.build())));
        }
    }
}

/// Every operation of the document.
fn operations(openapi: &mut OpenApi) -> impl Iterator<Item = &mut Operation> {
    openapi.paths.paths.values_mut().flat_map(|item| {
        [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch]
            .into_iter()
            .filter_map(Option::as_mut)
    })
}

fn error(description: &str) -> RefOr<ApiResponse> {
    let schema = RefOr::Ref(utoipa::openapi::Ref::from_schema_name(ErrorBody::name()));
    RefOr::T(
        ResponseBuilder::new().description(description).content("application/json", Content::new(Some(schema))).build(),
    )
}

/// The document, as it is served.
#[derive(Clone)]
pub(super) struct Document(pub Arc<String>);

/// This document: the whole HTTP service, in OpenAPI 3.1. No token needed.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object, content_type = "application/json"))
)]
pub(super) async fn document(Extension(document): Extension<Document>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], document.0.to_string()).into_response()
}
