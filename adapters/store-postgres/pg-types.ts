/**
 * Value parsing for raw `pg` queries: `bigint` (int8) columns — epoch-millisecond times and
 * bigserial ids — come back as JS numbers instead of pg's default strings. Passed per query, so
 * no global parser is changed for other users of the driver.
 */
import pg from 'pg';

const INT8_OID = 20;
type Parser = (value: string) => unknown;
const defaultParser = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => Parser;

/** The `types` option for `query({ text, values, types })`. */
export const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? Number : defaultParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};
