//! Where the local emulators the tests run on (moto, LocalStack) differ from AWS, and how labcheck follows AWS.
//! The one list: the book's section "Where the emulators differ from AWS" (docs/src/design/reliability.md) shows each entry, and each names the
//! answer shape (`tests/fixtures/aws-shapes/NAME.json`, which cites its source) or the test that holds labcheck to
//! AWS's behaviour. Tests keep the three in step.

/// One difference.
#[derive(Debug, Clone, Copy)]
pub struct Difference {
    /// The service.
    pub service: &'static str,
    /// What the emulator does.
    pub emulator: &'static str,
    /// What AWS does, as its documentation or a known issue says.
    pub aws: &'static str,
    /// How labcheck follows AWS.
    pub labcheck: &'static str,
    /// The fixtures (file stems) and tests (`module::test`) that prove it.
    pub proofs: &'static [&'static str],
}

/// Every known difference.
pub const DIFFERENCES: &[Difference] = &[
    Difference {
        service: "EC2",
        emulator: "moto ignores MaxResults and answers every Describe* in one page",
        aws: "asked with MaxResults, EC2 pages its answer and names the next page in NextToken",
        labcheck: "every EC2 listing is asked for in pages and read to its last page; a page that names one already read is an error",
        proofs: &[
            "ec2-DescribeVpcs-page1",
            "ec2-DescribeVpcs-page2",
            "ec2_mocks::every_page_of_the_vpcs_is_read_once_asking_for_pages",
            "ec2_mocks::a_page_that_names_a_page_already_read_is_an_error_not_a_short_listing",
        ],
    },
    Difference {
        service: "EC2",
        emulator: "moto allows every call",
        aws: "EC2 refuses a call the credentials may not make with UnauthorizedOperation (403), its own code, not AccessDenied",
        labcheck: "UnauthorizedOperation is a missing permission: the check is an error naming the permission, never a fail",
        proofs: &[
            "ec2-UnauthorizedOperation",
            "ec2_mocks::a_describe_the_credentials_may_not_make_is_access_denied_naming_the_permission",
        ],
    },
    Difference {
        service: "S3",
        emulator: "LocalStack's website endpoints serve objects encrypted with SSE-KMS",
        aws: "website endpoints answer 403 for SSE-KMS objects: anonymous visitors cannot use KMS",
        labcheck: "the S3 lab's website check says a 403 may be SSE-KMS, and to upload the page again with SSE-S3",
        proofs: &["new_labs::s3_lab_suspended_versioning_sse_kms_wrong_error_page_and_public_writes"],
    },
    Difference {
        service: "S3",
        emulator: "LocalStack's website endpoints ignore bucket policies and Block Public Access, and send no x-amz-request-id",
        aws: "a website GET is anonymous: only a public policy that Block Public Access lets work serves it",
        labcheck: "s3_public_access judges the policy and both blocks from the configuration; on AWS a website answer needs S3's request id",
        proofs: &["new_labs::s3_lab_account_restricts_public_buckets"],
    },
    Difference {
        service: "S3",
        emulator: "neither emulator enforces BlockPublicPolicy, RestrictPublicBuckets or the account's block",
        aws: "BlockPublicPolicy only refuses new public policies; RestrictPublicBuckets, in the bucket's or the account's block, stops an existing one",
        labcheck: "RestrictPublicBuckets of the bucket or of the account (S3 Control) decides; BlockPublicPolicy alone does not",
        proofs: &[
            "s3-GetPublicAccessBlock-block-policy-only",
            "s3control-GetPublicAccessBlock-none",
            "s3control-GetPublicAccessBlock-restricted",
            "aws_truth::s3::the_accounts_block_public_access_counts",
        ],
    },
    Difference {
        service: "S3",
        emulator: "one endpoint serves the buckets of every region",
        aws: "a bucket of another region answers 301 PermanentRedirect, naming its region only in x-amz-bucket-region, and ListBuckets lists every region's buckets unless filtered",
        labcheck: "buckets are listed with BucketRegion and others dropped; a redirect is an error naming the bucket's region",
        proofs: &["s3-ListBuckets-regions", "s3-GetBucketVersioning-redirect"],
    },
    Difference {
        service: "S3",
        emulator: "S3 Control's address takes no account id in the host name",
        aws: "S3 Control is addressed at ACCOUNT.s3-control.REGION.amazonaws.com",
        labcheck: "the account id goes in the host name except for an endpoint on an IP address or localhost",
        proofs: &["new_labs::s3_lab_account_restricts_public_buckets"],
    },
    Difference {
        service: "Lambda",
        emulator: "no emulator encrypts environments with a customer managed key",
        aws: "GetFunctionConfiguration answers 200 with Environment.Error and no Variables when the caller may not use the key",
        labcheck: "lambda_environment_has is error, naming Lambda's error code, never a fail",
        proofs: &[
            "lambda-GetFunctionConfiguration-kms-denied",
            "aws_truth::lambda::an_environment_lambda_cannot_decrypt_for_the_grader_is_an_error",
        ],
    },
    Difference {
        service: "Lambda",
        emulator: "moto's GetPolicy ignores Qualifier and answers every alias's statements",
        aws: "each alias has its own resource policy",
        labcheck: "each alias's policy is read with its Qualifier and judged against the alias's ARN",
        proofs: &["lambda-GetPolicy-dev", "lambda-GetPolicy-prod"],
    },
    Difference {
        service: "DynamoDB",
        emulator: "moto creates tables ACTIVE at once",
        aws: "a new table is CREATING for a while, and ListTagsOfResource answers ResourceNotFoundException meanwhile",
        labcheck: "the tags are asked again three times, then the read is an error, never no table",
        proofs: &[
            "dynamodb-DescribeTable-creating",
            "dynamodb-ListTagsOfResource-creating",
            "aws_truth::dynamodb_tables::tags_of_a_table_being_created_are_retried_then_an_error",
        ],
    },
    Difference {
        service: "DynamoDB",
        emulator: "moto turns time to live on and off at once, and removes a deleted table at once",
        aws: "time to live is ENABLING or DISABLING for up to an hour, and a deleted table is DELETING for a while",
        labcheck: "ENABLING counts as on and DISABLING as off; a table DELETING, ARCHIVING or without its KMS key fails",
        proofs: &[
            "dynamodb-DescribeTimeToLive-enabling",
            "dynamodb-DescribeTimeToLive-disabling",
            "dynamodb-DescribeTable-deleting",
            "aws_truth::dynamodb_statuses::a_table_being_deleted_fails_and_one_being_created_is_judged",
        ],
    },
    Difference {
        service: "IAM",
        emulator: "roles made through the emulators' APIs have the path / and list-shaped statements",
        aws: "console-made execution roles are under /service-role/, and documents come URL-encoded with Statement as one object",
        labcheck: "a role is named by the last part of its ARN; documents are decoded and a lone statement read as a list",
        proofs: &["iam-GetRole-service-role-path", "iam-GetRolePolicy-region-condition"],
    },
    Difference {
        service: "IAM",
        emulator: "moto keeps one IAM per account for all its regions, and the tests share accounts between regions",
        aws: "IAM is global to an account: a role name means one role in every region",
        labcheck: "roles are read by name in the account, never per region; each test's role carries its region in its name",
        proofs: &["new_labs::dynamodb_lab_solved_scores_everything_and_never_shows_variable_values"],
    },
    Difference {
        service: "API Gateway",
        emulator: "the emulators leave out null values inside maps unless asked the same way",
        aws: "console-made methods read back with nulls inside maps (an empty mapping template), which the Rust SDK refuses",
        labcheck: "an interceptor drops nulls inside objects and lists before the SDK reads API Gateway and Lambda answers",
        proofs: &["apigateway-GetResources", "inventory_mocks::aws_shapes::nulls_inside_maps_are_read_not_refused"],
    },
    Difference {
        service: "API Gateway",
        emulator: "LocalStack answers a refused key {\"message\": \"Forbidden\"}, with a space",
        aws: "a deployed stage answers {\"message\":\"Forbidden\"} with x-amzn-RequestId on every answer",
        labcheck: "bodies are compared as parsed JSON; an answer without API Gateway's request id is an error",
        proofs: &[
            "probe-403-key-not-in-plan",
            "probe-200-items",
            "aws_truth::apigateway::the_probe_carries_the_key_of_the_plan_bound_to_the_stage",
        ],
    },
    Difference {
        service: "API Gateway",
        emulator: "LocalStack cannot run Lambda code: every Lambda proxy integration answers 502",
        aws: "a working Lambda proxy integration answers the function's JSON; one API Gateway cannot call answers 500, an answer it cannot read 502",
        labcheck: "the authenticated probe wants a 2xx JSON answer and fails a 5xx; the tests answer as the lab's function where LocalStack calls it (a stage stand-in)",
        proofs: &[
            "probe-502-malformed-lambda-answer",
            "aws_truth::apigateway::an_integration_that_fails_behind_a_taken_key_fails_naming_the_status_and_the_stage",
        ],
    },
    Difference {
        service: "every service",
        emulator: "neither emulator throttles or answers TooManyRequests",
        aws: "API Gateway allows about 10 requests a second per account (GetResources 5 per 2 seconds)",
        labcheck: "the SDK retries with backoff, the service paces each account, and a read still throttled is an error",
        proofs: &["faults::throttling_that_never_ends_is_an_error_and_other_checks_keep_their_verdicts"],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn read(relative: &str) -> String {
        std::fs::read_to_string(format!("{}/{relative}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    /// Each proof is a fixture that exists or a test that exists in the integration tests.
    #[test]
    fn every_proof_exists() {
        for difference in DIFFERENCES {
            for proof in difference.proofs {
                match proof.split_once("::") {
                    None => {
                        let path = format!("tests/fixtures/aws-shapes/{proof}.json");
                        let shape: serde_json::Value = serde_json::from_str(&read(&path)).unwrap();
                        assert!(shape["source"].as_str().is_some_and(|s| s.starts_with("https://")), "{path}");
                    }
                    Some((module, test)) => {
                        let (file, test) = match test.split_once("::") {
                            Some((_, test)) => (module, test),
                            None => (module, test),
                        };
                        let source = read(&format!("tests/it/{file}.rs"));
                        assert!(source.contains(&format!("fn {test}(")), "no test {proof}");
                    }
                }
            }
        }
    }

    /// The book's reliability chapter shows every difference as this list has it.
    #[test]
    fn the_book_lists_every_difference() {
        let chapter = read("docs/src/design/reliability.md");
        for difference in DIFFERENCES {
            for text in [difference.emulator, difference.aws, difference.labcheck] {
                assert!(chapter.contains(text), "docs/src/design/reliability.md lacks: {text}");
            }
        }
    }
}
