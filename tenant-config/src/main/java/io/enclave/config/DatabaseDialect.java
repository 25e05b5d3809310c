package io.enclave.config;

/** Which MySQL-protocol database the tenants' tables live in. */
public enum DatabaseDialect {
    /** Production: StarRocks frontends. */
    STARROCKS,
    /** MySQL or MariaDB: local clusters, the demo and the tests. */
    MYSQL
}
