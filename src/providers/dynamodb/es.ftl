# Las frases de DynamoDB en español: las de sus validadores (un catálogo con src/i18n/es.ftl; mismos ids y
# variables que su en.ftl).

## Tablas de DynamoDB

table-going-away = la tabla { $table } está en estado { $status }: se está borrando o archivando, o no se puede usar su clave de KMS
table-missing = no hay ninguna tabla de DynamoDB { $table } en esta región
table-exists = la tabla { $table } existe, con clave { $key } y facturación { $billing }
table-wrong = tabla { $table }: { $problems }
table-key-unexpected = tiene una clave de { $role ->
        [partition] partición
       *[sort] ordenación
    } { $found } que el laboratorio no pide
table-key-missing = no tiene clave de { $role ->
        [partition] partición
       *[sort] ordenación
    } (necesita { $key })
table-key-other = su clave de { $role ->
        [partition] partición
       *[sort] ordenación
    } es { $found }, no { $key }
table-key-type = su clave de { $role ->
        [partition] partición
       *[sort] ordenación
    } { $key } es de tipo { $found }, no { $kind }
table-billing = se factura como { $found }, no { $mode }
table-pitr-on = la recuperación a un momento dado está activada en la tabla { $table }
table-pitr-off = la recuperación a un momento dado está desactivada en la tabla { $table }
table-ttl-on = el tiempo de vida está activado en la tabla { $table } (atributo { $attribute })
table-ttl-off = el tiempo de vida está desactivado en la tabla { $table }
table-ttl-other = el tiempo de vida de la tabla { $table } usa el atributo { $found }, no { $attribute }
