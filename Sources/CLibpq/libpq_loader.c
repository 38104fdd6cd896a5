// Each libpq function Gatehouse uses, defined here as a call through a pointer that
// `gatehouse_libpq_load` resolves with dlopen/dlsym the first time a PostgreSQL directory is
// opened. The binary links no libpq, so a machine without it still runs every SQLite command.
#include "CLibpq.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

// (return type, name, parameters, arguments): the 26 functions, with libpq-fe.h's signatures.
#define GATEHOUSE_LIBPQ_FUNCTIONS(X) \
    X(PGconn *, PQconnectdbParams, (const char *const *keywords, const char *const *values, int expand_dbname), (keywords, values, expand_dbname)) \
    X(ConnStatusType, PQstatus, (const PGconn *conn), (conn)) \
    X(char *, PQerrorMessage, (const PGconn *conn), (conn)) \
    X(int, PQsocket, (const PGconn *conn), (conn)) \
    X(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *conn, PQnoticeProcessor proc, void *arg), (conn, proc, arg)) \
    X(PGresult *, PQexec, (PGconn *conn, const char *query), (conn, query)) \
    X(PGresult *, PQexecParams, (PGconn *conn, const char *command, int nParams, const Oid *paramTypes, const char *const *paramValues, const int *paramLengths, const int *paramFormats, int resultFormat), (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat)) \
    X(PGresult *, PQprepare, (PGconn *conn, const char *stmtName, const char *query, int nParams, const Oid *paramTypes), (conn, stmtName, query, nParams, paramTypes)) \
    X(PGresult *, PQexecPrepared, (PGconn *conn, const char *stmtName, int nParams, const char *const *paramValues, const int *paramLengths, const int *paramFormats, int resultFormat), (conn, stmtName, nParams, paramValues, paramLengths, paramFormats, resultFormat)) \
    X(ExecStatusType, PQresultStatus, (const PGresult *res), (res)) \
    X(char *, PQresultErrorMessage, (const PGresult *res), (res)) \
    X(char *, PQresultErrorField, (const PGresult *res, int fieldcode), (res, fieldcode)) \
    X(int, PQntuples, (const PGresult *res), (res)) \
    X(int, PQnfields, (const PGresult *res), (res)) \
    X(char *, PQfname, (const PGresult *res, int field_num), (res, field_num)) \
    X(Oid, PQftype, (const PGresult *res, int field_num), (res, field_num)) \
    X(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num)) \
    X(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num)) \
    X(char *, PQcmdTuples, (PGresult *res), (res)) \
    X(int, PQconsumeInput, (PGconn *conn), (conn)) \
    X(PGnotify *, PQnotifies, (PGconn *conn), (conn)) \
    X(PQconninfoOption *, PQconninfoParse, (const char *conninfo, char **errmsg), (conninfo, errmsg))
#define GATEHOUSE_LIBPQ_PROCEDURES(X) \
    X(PQfinish, (PGconn *conn), (conn)) \
    X(PQclear, (PGresult *res), (res)) \
    X(PQfreemem, (void *ptr), (ptr)) \
    X(PQconninfoFree, (PQconninfoOption *connOptions), (connOptions))

#define GATEHOUSE_POINTER(type, name, parameters, arguments) static type (*loaded_##name) parameters;
#define GATEHOUSE_PROCEDURE_POINTER(name, parameters, arguments) static void (*loaded_##name) parameters;
GATEHOUSE_LIBPQ_FUNCTIONS(GATEHOUSE_POINTER)
GATEHOUSE_LIBPQ_PROCEDURES(GATEHOUSE_PROCEDURE_POINTER)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded = 0;
static char problem[512] = "libpq was not loaded";

static void resolve(void *library, const char *name, void **slot) {
    *slot = dlsym(library, name);
    if (*slot == NULL && loaded) {
        snprintf(problem, sizeof problem, "the libpq found has no %s", name);
        loaded = 0;
    }
}

static void load(void) {
    void *library = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *why = dlerror();
        snprintf(problem, sizeof problem, "%s", why ? why : "libpq.so.5 could not be loaded");
        return;
    }
    loaded = 1;
#define GATEHOUSE_RESOLVE(type, name, parameters, arguments) resolve(library, #name, (void **)&loaded_##name);
#define GATEHOUSE_RESOLVE_PROCEDURE(name, parameters, arguments) resolve(library, #name, (void **)&loaded_##name);
    GATEHOUSE_LIBPQ_FUNCTIONS(GATEHOUSE_RESOLVE)
    GATEHOUSE_LIBPQ_PROCEDURES(GATEHOUSE_RESOLVE_PROCEDURE)
}

int gatehouse_libpq_load(const char **why) {
    pthread_once(&once, load);
    if (!loaded && why != NULL) *why = problem;
    return loaded;
}

// Called only after gatehouse_libpq_load returned 1 (the Swift store checks first); the once
// makes a stray early call load rather than jump through a null pointer.
#define GATEHOUSE_DEFINE(type, name, parameters, arguments) \
    type name parameters { pthread_once(&once, load); return loaded_##name arguments; }
#define GATEHOUSE_DEFINE_PROCEDURE(name, parameters, arguments) \
    void name parameters { pthread_once(&once, load); if (loaded_##name) loaded_##name arguments; }
GATEHOUSE_LIBPQ_FUNCTIONS(GATEHOUSE_DEFINE)
GATEHOUSE_LIBPQ_PROCEDURES(GATEHOUSE_DEFINE_PROCEDURE)
