# S3's sentences in English, its validators': one catalogue with src/i18n/en.ftl, which every
# language is held to (same ids, same variables).

## S3 buckets

bucket-missing = there is no bucket named { $bucket } in this region ({ $count ->
        [0] the region has no buckets
        [one] the region has one other bucket
       *[other] the region has { $count } other buckets
    })
bucket-bound = { $verdict } (judged { $bucket }, one of { $count } buckets named { $pattern }: every check judges the same one, the one with website hosting or else the first by name)
bucket-exists = bucket { $bucket } exists
bucket-versioning-on = versioning is on for { $bucket }
bucket-versioning-off = versioning is { $status ->
        [Suspended] suspended
       *[other] off
    } on { $bucket }
bucket-encryption-on = { $bucket } encrypts new objects by default ({ $algorithm })
bucket-encryption-none = { $bucket } has no default encryption
bucket-encryption-other = { $bucket } encrypts by default with { $found }, not { $algorithm }
bucket-lifecycle-noncurrent = { $bucket } deletes noncurrent versions after { $days } days (rule { $rule })
bucket-lifecycle-none = { $bucket } has no lifecycle rule
bucket-lifecycle-no-noncurrent = no lifecycle rule of { $bucket } ({ $count }) deletes noncurrent versions
bucket-lifecycle-disabled = rule { $rule } of { $bucket } would delete noncurrent versions, but it is disabled
bucket-lifecycle-partial = rule { $rule } of { $bucket } applies only to { $filtered ->
        [true] objects with some tags or sizes
       *[other] keys under { $prefix }
    }, not to the whole bucket
bucket-lifecycle-too-long = rule { $rule } of { $bucket } keeps noncurrent versions { $days } days, more than { $within }
bucket-lifecycle-expires-current = rule { $rule } of { $bucket } expires current objects too: it would delete the site's pages
bucket-policy-none = { $bucket } has no bucket policy
bucket-policy-no-public-read = no statement lets everyone read the objects of { $bucket } (s3:GetObject on arn:aws:s3:::{ $bucket }/*)
bucket-policy-allows-more = statement { $sid } also lets everyone { $actions }
bucket-policy-denies-read = statement { $sid } denies everyone s3:GetObject
bucket-policy-read-unjudged = whether everyone may read its objects depends on a { $what }, which labcheck does not evaluate
bucket-policy-negated = statement { $sid } uses { $element }
bucket-public-read = everyone may read the objects of { $bucket }, and nothing more
bucket-public-wrong = { $bucket }: { $problems }
bucket-public-blocked = { $scope ->
        [account] the account's public access block
       *[bucket] the public access block of { $bucket }
    } restricts public buckets (RestrictPublicBuckets), so its public policy gives no one access
bucket-private-blocked = { $scope ->
        [account] the account's public access block
       *[bucket] the public access block of { $bucket }
    } restricts public buckets (RestrictPublicBuckets)
bucket-private = the policy of { $bucket } grants the public nothing
bucket-public-granted = the policy of { $bucket } grants the public access and nothing blocks it
bucket-website-on = { $bucket } hosts a website (index document { $index })
bucket-website-off = website hosting is off for { $bucket }
bucket-website-redirects = { $bucket } redirects every request to { $target } instead of hosting a website
bucket-website-wrong = the website of { $bucket }: { $problems }
bucket-website-document = its { $kind ->
        [index] index
       *[error] error
    } document is "{ $found }", not { $expected }
bucket-object-found = { $bucket } has { $key } ({ $size } bytes)
bucket-object-missing = { $bucket } has no object { $key } ({ $count ->
        [0] the bucket is empty
        [one] it has one other object
       *[other] it has { $count } other objects
    })
bucket-object-similar = { $bucket } has no object { $key } (found { $found })
bucket-object-not-listed = { $key } is not among the first { $count } objects of { $bucket }
website-serves = { $url } answers { $status }
website-status = { $url } answers { $status }, not { $expected }
website-body = { $url } answers { $status } without "{ $text }" in the page
