# Las frases de lo que varios servicios juzgan juntos en español: las de sus validadores (un catálogo con src/i18n/es.ftl; mismos ids y
# variables que su en.ftl).

## La función Lambda detrás de la API

method-on-api-no-integration = { $method } en { $name } no tiene integración
method-not-lambda = { $method } en { $name } no invoca una función Lambda (integración { $kind })
function-missing = { $method } en { $api } se integra con la función Lambda { $function }, que no existe

## Roles de IAM y sus políticas

role-missing = no hay ningún rol de IAM llamado { $role }
function-without-role = { $function } no tiene rol de ejecución
execution-role-missing = el rol de ejecución de { $function }, { $role }, no existe
role-trusts = { $service } puede asumir { $role }
role-does-not-trust = la política de confianza de { $role } no permite que { $service } lo asuma
role-trust-denied = la política de confianza de { $role } deniega a { $service }
role-trust-unjudged = la política de confianza de { $role } tiene una { $what }, que labcheck no evalúa, así que la confianza en { $service } no está demostrada
