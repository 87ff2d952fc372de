//! The states of the DynamoDB and S3 labs, built through the real SDK: the Items API on DynamoDB (API Gateway on
//! LocalStack; Lambda, IAM and DynamoDB on moto) and the static website (S3 on LocalStack, which serves website
//! endpoints).

use aws_sdk_apigateway::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::types::{AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType};
use serde_json::{Value, json};

use super::{Account, FUNCTION, ItemsLab, LambdaSetup, MOTO_ACCOUNT, localstack_url};

/// The region of the S3 lab's accounts: one whose website endpoints are `BUCKET.s3-website.REGION...` (a dot),
/// the form LocalStack recognises.
pub const SITE_REGION: &str = "eu-central-1";

/// An endpoint resolver that answers one address.
#[derive(Debug)]
struct AtAddress(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for AtAddress {
    fn resolve_endpoint<'a>(
        &'a self,
        _: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_smithy_runtime_api::client::endpoint::EndpointFuture<'a> {
        let endpoint = aws_smithy_types::endpoint::Endpoint::builder().url(self.0.clone()).build();
        aws_smithy_runtime_api::client::endpoint::EndpointFuture::ready(Ok(endpoint))
    }
}

impl Account {
    fn moto_endpoint(&self) -> &str {
        self.lambda_endpoint.as_deref().expect("an account with moto for Lambda, IAM and DynamoDB")
    }

    fn credentials(&self) -> Credentials {
        Credentials::new(&self.id, "test", None, None, "labcheck-tests")
    }

    pub fn iam(&self) -> aws_sdk_iam::Client {
        let conf = aws_sdk_iam::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(self.moto_endpoint())
            .credentials_provider(self.credentials())
            .build();
        aws_sdk_iam::Client::from_conf(conf)
    }

    pub fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        let conf = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .endpoint_url(self.moto_endpoint())
            .credentials_provider(self.credentials())
            .build();
        aws_sdk_dynamodb::Client::from_conf(conf)
    }

    /// An account on LocalStack in [`SITE_REGION`], for the S3 lab.
    pub fn site() -> Self {
        let mut account = Self::new_on(localstack_url());
        account.region = SITE_REGION.to_owned();
        account
    }

    /// S3 Control on the emulator, at its address as given (AWS's resolver would put the account id in the host).
    pub fn s3control(&self) -> aws_sdk_s3control::Client {
        let conf = aws_sdk_s3control::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .endpoint_resolver(AtAddress(self.endpoint.clone()))
            .credentials_provider(self.credentials())
            .build();
        aws_sdk_s3control::Client::from_conf(conf)
    }

    pub fn s3(&self) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .endpoint_url(&self.endpoint)
            .force_path_style(true)
            .credentials_provider(self.credentials())
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }
}

/// The Items table as a student made it.
#[derive(Debug, Clone)]
pub struct TableSpec {
    pub key: &'static str,
    pub key_type: ScalarAttributeType,
    pub on_demand: bool,
}

/// The function's execution role as a student made it.
#[derive(Debug, Clone)]
pub struct RoleSpec {
    /// The service its trust policy names.
    pub trusted: &'static str,
    /// Its inline policy's statements.
    pub inline: Value,
    /// ARNs of the managed policies attached.
    pub attached: Vec<&'static str>,
    /// Made as the Lambda console makes it: under `/service-role/`, with its own customer managed logs policy
    /// (`AWSLambdaBasicExecutionRole-...`: the function's log group only) instead of AWS's.
    pub console_made: bool,
}

pub const BASIC_EXECUTION: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

/// A state of the DynamoDB lab.
#[derive(Debug, Clone)]
pub struct DynamoLab {
    /// The Items API with its Lambda backend (as the API Gateway lab left it).
    pub api: bool,
    pub open_methods: Vec<&'static str>,
    pub table: Option<TableSpec>,
    /// `None`: the function keeps the role it was created with (trusts Lambda, allows nothing).
    pub role: Option<RoleSpec>,
    pub environment: Vec<&'static str>,
}

impl DynamoLab {
    pub fn fresh() -> Self {
        Self { api: false, open_methods: vec![], table: None, role: None, environment: vec![] }
    }

    /// Every step done right.
    pub fn solved() -> Self {
        Self {
            api: true,
            open_methods: vec![],
            table: Some(TableSpec { key: "ID", key_type: ScalarAttributeType::S, on_demand: true }),
            role: Some(RoleSpec {
                trusted: "lambda.amazonaws.com",
                inline: json!([{"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query"],
                    "Resource": "arn:aws:dynamodb:{region}:123456789012:table/Items"}]),
                attached: vec![BASIC_EXECUTION],
                console_made: false,
            }),
            environment: vec!["TABLE_NAME"],
        }
    }

    pub async fn build(&self, account: &Account) {
        account.wipe_lambda().await;
        let tables = account.dynamodb().list_tables().send().await.expect("list tables");
        for table in tables.table_names() {
            account.dynamodb().delete_table().table_name(table).send().await.expect("delete table");
        }
        if self.api {
            let lambda = LambdaSetup::complete();
            ItemsLab { lambda: Some(lambda), open_methods: self.open_methods.clone(), ..ItemsLab::complete() }
                .build(account)
                .await;
        }
        if let Some(table) = &self.table {
            create_table(account, table).await;
        }
        if !self.api {
            return;
        }
        let mut update = account.lambda().update_function_configuration().function_name(FUNCTION);
        if let Some(role) = &self.role {
            update = update.role(create_role(account, role).await);
        }
        let mut environment = aws_sdk_lambda::types::Environment::builder();
        for name in &self.environment {
            // A value the tests look for in every output: variable values are never read.
            environment = environment.variables(*name, "secret-value-never-read");
        }
        update.environment(environment.build()).send().await.expect("update function configuration");
    }
}

async fn create_table(account: &Account, spec: &TableSpec) {
    let key = KeySchemaElement::builder().attribute_name(spec.key).key_type(KeyType::Hash).build().unwrap();
    let attribute =
        AttributeDefinition::builder().attribute_name(spec.key).attribute_type(spec.key_type.clone()).build().unwrap();
    let mut request =
        account.dynamodb().create_table().table_name("Items").key_schema(key).attribute_definitions(attribute);
    request = if spec.on_demand {
        request.billing_mode(BillingMode::PayPerRequest)
    } else {
        let throughput = aws_sdk_dynamodb::types::ProvisionedThroughput::builder()
            .read_capacity_units(5)
            .write_capacity_units(5)
            .build()
            .unwrap();
        request.billing_mode(BillingMode::Provisioned).provisioned_throughput(throughput)
    };
    request.send().await.expect("create table");
}

/// Creates the role (IAM is global on moto: the name carries the account's region) and returns its ARN.
async fn create_role(account: &Account, spec: &RoleSpec) -> String {
    let iam = account.iam();
    let name = format!("items-role-{}", account.region);
    // moto keeps IAM between runs on a developer's emulators: start from nothing.
    if let Ok(attached) = iam.list_attached_role_policies().role_name(&name).send().await {
        for policy in attached.attached_policies() {
            iam.detach_role_policy().role_name(&name).policy_arn(policy.policy_arn().unwrap()).send().await.unwrap();
        }
        iam.delete_role_policy().role_name(&name).policy_name("ReadItems").send().await.ok();
        iam.delete_role().role_name(&name).send().await.expect("delete role");
    }
    let trust = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": spec.trusted}, "Action": "sts:AssumeRole"}
    ]});
    let path = if spec.console_made { "/service-role/" } else { "/" };
    let role =
        iam.create_role().role_name(&name).path(path).assume_role_policy_document(trust.to_string()).send().await;
    let arn = role.expect("create role").role().unwrap().arn().to_owned();
    if spec.console_made {
        let region = &account.region;
        let logs = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "logs:CreateLogGroup", "Resource": format!("arn:aws:logs:{region}:{MOTO_ACCOUNT}:*")},
            {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": [format!("arn:aws:logs:{region}:{MOTO_ACCOUNT}:log-group:/aws/lambda/{FUNCTION}:*")]}]});
        let policy_name = format!("AWSLambdaBasicExecutionRole-{region}");
        let existing = format!("arn:aws:iam::{MOTO_ACCOUNT}:policy/service-role/{policy_name}");
        iam.delete_policy().policy_arn(&existing).send().await.ok();
        let policy =
            iam.create_policy().policy_name(&policy_name).path("/service-role/").policy_document(logs.to_string());
        let policy = policy.send().await.expect("create the console's logs policy");
        let policy_arn = policy.policy().unwrap().arn().unwrap().to_owned();
        iam.attach_role_policy().role_name(&name).policy_arn(policy_arn).send().await.expect("attach logs policy");
    }
    let statements = spec.inline.to_string().replace("{region}", &account.region);
    let document = format!("{{\"Version\": \"2012-10-17\", \"Statement\": {statements}}}");
    iam.put_role_policy()
        .role_name(&name)
        .policy_name("ReadItems")
        .policy_document(document)
        .send()
        .await
        .expect("put role policy");
    for policy in &spec.attached {
        iam.attach_role_policy().role_name(&name).policy_arn(*policy).send().await.expect("attach role policy");
    }
    assert!(arn.contains(MOTO_ACCOUNT));
    arn
}

/// A state of the S3 website lab.
#[derive(Debug, Clone)]
pub struct SiteLab {
    /// The bucket's name before the account id (`website-`); `None`: no bucket.
    pub prefix: Option<&'static str>,
    pub versioning: Option<aws_sdk_s3::types::BucketVersioningStatus>,
    /// Default encryption SSE-KMS (the trap: AWS's website endpoints cannot serve it); otherwise S3's default.
    pub kms: bool,
    /// A lifecycle rule deleting noncurrent versions after so many days, limited to keys under a prefix ("": the
    /// whole bucket); `None`: no lifecycle configuration, as AWS makes a bucket.
    pub noncurrent_expiry: Option<(i32, &'static str)>,
    /// Index and error documents.
    pub website: Option<(&'static str, &'static str)>,
    /// Where index.html is uploaded.
    pub index_key: Option<&'static str>,
    /// The actions the public bucket policy allows; `None`: no policy.
    pub public_actions: Option<Vec<&'static str>>,
}

impl SiteLab {
    pub fn fresh() -> Self {
        Self {
            prefix: None,
            versioning: None,
            kms: false,
            noncurrent_expiry: None,
            website: None,
            index_key: None,
            public_actions: None,
        }
    }

    pub fn solved() -> Self {
        Self {
            prefix: Some("website-"),
            versioning: Some(aws_sdk_s3::types::BucketVersioningStatus::Enabled),
            kms: false,
            noncurrent_expiry: Some((30, "")),
            website: Some(("index.html", "error.html")),
            index_key: Some("index.html"),
            public_actions: Some(vec!["s3:GetObject"]),
        }
    }

    /// Builds the state; returns the bucket's name.
    pub async fn build(&self, account: &Account) -> Option<String> {
        use aws_sdk_s3::types::*;
        let s3 = account.s3();
        let bucket = format!("{}{}", self.prefix?, account.id);
        let location = CreateBucketConfiguration::builder()
            .location_constraint(BucketLocationConstraint::from(SITE_REGION))
            .build();
        s3.create_bucket().bucket(&bucket).create_bucket_configuration(location).send().await.expect("create bucket");
        if let Some(status) = &self.versioning {
            let versioning = VersioningConfiguration::builder().status(status.clone()).build();
            s3.put_bucket_versioning().bucket(&bucket).versioning_configuration(versioning).send().await.unwrap();
        }
        if self.kms {
            let default =
                ServerSideEncryptionByDefault::builder().sse_algorithm(ServerSideEncryption::AwsKms).build().unwrap();
            let rule = ServerSideEncryptionRule::builder().apply_server_side_encryption_by_default(default).build();
            let config = ServerSideEncryptionConfiguration::builder().rules(rule).build().unwrap();
            s3.put_bucket_encryption()
                .bucket(&bucket)
                .server_side_encryption_configuration(config)
                .send()
                .await
                .unwrap();
        }
        if let Some((days, prefix)) = self.noncurrent_expiry {
            let rule = LifecycleRule::builder()
                .id("old-versions")
                .status(ExpirationStatus::Enabled)
                .filter(LifecycleRuleFilter::builder().prefix(prefix).build())
                .noncurrent_version_expiration(NoncurrentVersionExpiration::builder().noncurrent_days(days).build())
                .build()
                .unwrap();
            let config = BucketLifecycleConfiguration::builder().rules(rule).build().unwrap();
            s3.put_bucket_lifecycle_configuration()
                .bucket(&bucket)
                .lifecycle_configuration(config)
                .send()
                .await
                .unwrap();
        }
        if let Some((index, error)) = self.website {
            let website = WebsiteConfiguration::builder()
                .index_document(IndexDocument::builder().suffix(index).build().unwrap())
                .error_document(ErrorDocument::builder().key(error).build().unwrap())
                .build();
            s3.put_bucket_website().bucket(&bucket).website_configuration(website).send().await.unwrap();
        }
        if let Some(key) = self.index_key {
            let body = aws_sdk_s3::primitives::ByteStream::from_static(b"<html><body>Items</body></html>");
            s3.put_object().bucket(&bucket).key(key).content_type("text/html").body(body).send().await.unwrap();
        }
        if let Some(actions) = &self.public_actions {
            let open = PublicAccessBlockConfiguration::builder()
                .block_public_acls(false)
                .ignore_public_acls(false)
                .block_public_policy(false)
                .restrict_public_buckets(false)
                .build();
            s3.put_public_access_block().bucket(&bucket).public_access_block_configuration(open).send().await.unwrap();
            let policy = json!({"Version": "2012-10-17", "Statement": [{"Sid": "PublicRead", "Effect": "Allow",
                "Principal": "*", "Action": actions, "Resource": format!("arn:aws:s3:::{bucket}/*")}]});
            s3.put_bucket_policy().bucket(&bucket).policy(policy.to_string()).send().await.unwrap();
        }
        Some(bucket)
    }
}
