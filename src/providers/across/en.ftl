# What several services judge together: its sentences in English, one catalogue with src/i18n/en.ftl.

## The Lambda function behind the API

method-on-api-no-integration = { $method } on { $name } has no integration
method-not-lambda = { $method } on { $name } does not invoke a Lambda function ({ $kind } integration)
function-missing = { $method } on { $api } integrates with Lambda function { $function }, which does not exist

## IAM roles and their policies

role-missing = there is no IAM role named { $role }
function-without-role = { $function } has no execution role
execution-role-missing = the execution role of { $function }, { $role }, does not exist
role-trusts = { $role } may be assumed by { $service }
role-does-not-trust = the trust policy of { $role } does not let { $service } assume it
role-trust-denied = the trust policy of { $role } denies { $service }
role-trust-unjudged = the trust policy of { $role } has a { $what }, which labcheck does not evaluate, so trust in { $service } is not proven
