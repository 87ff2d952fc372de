# DynamoDB's sentences in English, its validators': one catalogue with src/i18n/en.ftl, which every
# language is held to (same ids, same variables).

## DynamoDB tables

table-missing = there is no DynamoDB table { $table } in this region
table-going-away = table { $table } is { $status }: it is being deleted or archived, or its KMS key cannot be used
table-exists = table { $table } exists, keyed by { $key }, billed { $billing }
table-wrong = table { $table }: { $problems }
table-key-unexpected = it has a { $role ->
        [partition] partition
       *[sort] sort
    } key { $found } the lab does not ask for
table-key-missing = it has no { $role ->
        [partition] partition
       *[sort] sort
    } key (needs { $key })
table-key-other = its { $role ->
        [partition] partition
       *[sort] sort
    } key is { $found }, not { $key }
table-key-type = its { $role ->
        [partition] partition
       *[sort] sort
    } key { $key } is of type { $found }, not { $kind }
table-billing = it is billed { $found }, not { $mode }
table-pitr-on = point-in-time recovery is on for table { $table }
table-pitr-off = point-in-time recovery is off on table { $table }
table-ttl-on = time to live is on for table { $table } (attribute { $attribute })
table-ttl-off = time to live is off on table { $table }
table-ttl-other = time to live on table { $table } uses attribute { $found }, not { $attribute }
