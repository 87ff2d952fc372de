//! Stage variables in evidence. The values of the variables an integration selects with (`${stageVariables.NAME}`
//! in its URI) are what checks judge, and stay; any other value may be a secret a student put there, and is kept
//! as a digest (`sha256:` and 16 hex digits): enough to tell whether it changed, not what it is.

use std::collections::BTreeSet;

use super::Facts;

pub(super) fn for_evidence(facts: &mut Facts) {
    let judged = selecting_variables(facts);
    let stages = facts.stages.values_mut().filter_map(|stages| stages.as_mut().ok()).flatten();
    for stage in stages {
        for (name, value) in &mut stage.variables {
            if !judged.contains(name) {
                *value = digest(value);
            }
        }
    }
}

/// The names of the stage variables that some integration URI reads.
fn selecting_variables(facts: &Facts) -> BTreeSet<String> {
    let resources = facts.resources.values().filter_map(|r| r.as_ref().ok()).flatten();
    let uris = resources.flat_map(|r| r.methods.values()).filter_map(|m| m.integration.as_ref()?.uri.as_deref());
    let mut names = BTreeSet::new();
    for uri in uris {
        let mut rest = uri;
        while let Some(at) = rest.find("${stageVariables.") {
            rest = &rest[at + "${stageVariables.".len()..];
            if let Some(end) = rest.find('}') {
                names.insert(rest[..end].to_owned());
                rest = &rest[end..];
            }
        }
    }
    names
}

fn digest(value: &str) -> String {
    let hash = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, value.as_bytes());
    let hex: String = hash.as_ref()[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::providers::apigateway::{Integration, Method, Resource, Stage};

    #[test]
    fn only_the_selecting_variables_keep_their_values() {
        let integration = Integration {
            integration_type: Some("AWS_PROXY".into()),
            uri: Some("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:F:${stageVariables.alias}/invocations".into()),
            http_method: Some("POST".into()),
            responses: BTreeMap::new(),
        };
        let method = Method {
            http_method: "GET".into(),
            authorization_type: None,
            api_key_required: true,
            integration: Some(integration),
        };
        let resource = Resource {
            id: "r".into(),
            path: "/items".into(),
            parent_id: None,
            methods: BTreeMap::from([("GET".into(), method)]),
        };
        let stage = Stage {
            name: "dev".into(),
            deployment_id: None,
            variables: BTreeMap::from([("alias".into(), "dev".into()), ("DB_PASSWORD".into(), "hunter2".into())]),
            cache_cluster_enabled: false,
            cache_cluster_size: None,
            method_settings: BTreeMap::new(),
        };
        let mut facts = Facts::default();
        facts.resources.insert("a1".into(), Ok(vec![resource]));
        facts.stages.insert("a1".into(), Ok(vec![stage]));
        for_evidence(&mut facts);
        let kept = &facts.stages["a1"].as_ref().unwrap()[0].variables;
        assert_eq!(kept["alias"], "dev");
        assert!(kept["DB_PASSWORD"].starts_with("sha256:") && !kept["DB_PASSWORD"].contains("hunter2"));
        assert_eq!(kept["DB_PASSWORD"].len(), "sha256:".len() + 16);
    }
}
