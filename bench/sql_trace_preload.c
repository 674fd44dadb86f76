// An LD_PRELOAD shim that writes one line per SQL statement a process runs, for
// bench/audit_statements.sh (issue #10: how many statements an audited read costs). It wraps
// SQLite's sqlite3_step (a statement's first step after a reset counts as one execution) and
// libpq's PQexec / PQprepare / PQexecPrepared / PQsendQueryPrepared (one round trip each). Each
// line is "<backend> <kind> <sql>" with the SQL as prepared (placeholders, never values), so no
// patient identifier reaches the file. The file is ORP_SQL_TRACE (unset: nothing is written).
// Built by the script: cc -shared -fPIC -O2 -o sql_trace.so sql_trace_preload.c -ldl -lpthread
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sqlite3_stmt sqlite3_stmt;
typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static FILE* out;
static int opened;
// Calls inside a wrapped call (sqlite3_exec steps; PQexecPrepared sends) are not counted again.
static __thread int depth;

// Prepared statement names (libpq) to their SQL, and SQLite statements mid-execution.
#define kSlots 4096
static struct { char* name; char* sql; } prepared[kSlots];
static const void* running[kSlots];

static void Line(const char* backend, const char* kind, const char* sql) {
  if (depth > 0) return;
  pthread_mutex_lock(&mu);
  if (!opened) {
    const char* path = getenv("ORP_SQL_TRACE");
    out = path ? fopen(path, "a") : NULL;
    opened = 1;
  }
  if (out) {
    fprintf(out, "%s %s ", backend, kind);
    for (const char* c = sql ? sql : "?"; *c; ++c) fputc(*c == '\n' ? ' ' : *c, out);
    fputc('\n', out);
    fflush(out);
  }
  pthread_mutex_unlock(&mu);
}

static size_t Slot(const void* p) { return ((size_t)p >> 4) % kSlots; }

int sqlite3_step(sqlite3_stmt* stmt) {
  static int (*real)(sqlite3_stmt*);
  static const char* (*sql_of)(sqlite3_stmt*);
  if (!real) {
    real = (int (*)(sqlite3_stmt*))dlsym(RTLD_NEXT, "sqlite3_step");
    sql_of = (const char* (*)(sqlite3_stmt*))dlsym(RTLD_NEXT, "sqlite3_sql");
  }
  pthread_mutex_lock(&mu);
  int first = running[Slot(stmt)] != stmt;
  running[Slot(stmt)] = stmt;
  pthread_mutex_unlock(&mu);
  if (first) Line("sqlite", "step", sql_of(stmt));
  ++depth;
  int rc = real(stmt);
  --depth;
  if (rc != 100) {  // not SQLITE_ROW: the execution is over
    pthread_mutex_lock(&mu);
    if (running[Slot(stmt)] == stmt) running[Slot(stmt)] = NULL;
    pthread_mutex_unlock(&mu);
  }
  return rc;
}

int sqlite3_reset(sqlite3_stmt* stmt) {
  static int (*real)(sqlite3_stmt*);
  if (!real) real = (int (*)(sqlite3_stmt*))dlsym(RTLD_NEXT, "sqlite3_reset");
  pthread_mutex_lock(&mu);
  if (running[Slot(stmt)] == stmt) running[Slot(stmt)] = NULL;
  pthread_mutex_unlock(&mu);
  return real(stmt);
}

static const char* SqlOf(const char* name) {
  for (size_t i = 0; i < kSlots && prepared[i].name; ++i) {
    if (strcmp(prepared[i].name, name) == 0) return prepared[i].sql;
  }
  return name;
}

PGresult* PQprepare(PGconn* conn, const char* name, const char* query, int n, const void* types) {
  static PGresult* (*real)(PGconn*, const char*, const char*, int, const void*);
  if (!real) real = dlsym(RTLD_NEXT, "PQprepare");
  Line("pg", "prepare", query);
  pthread_mutex_lock(&mu);
  size_t i = 0;
  while (i < kSlots - 1 && prepared[i].name && strcmp(prepared[i].name, name) != 0) ++i;
  // Names repeat across connections (orp_1, …) with different SQL: keep the latest, which is
  // right for the single connection this script watches at a time.
  free(prepared[i].name);
  free(prepared[i].sql);
  prepared[i].name = strdup(name);
  prepared[i].sql = strdup(query);
  pthread_mutex_unlock(&mu);
  ++depth;
  __typeof__(real(conn, name, query, n, types)) r = real(conn, name, query, n, types);
  --depth;
  return r;
}

PGresult* PQexec(PGconn* conn, const char* query) {
  static PGresult* (*real)(PGconn*, const char*);
  if (!real) real = dlsym(RTLD_NEXT, "PQexec");
  Line("pg", "exec", query);
  ++depth;
  __typeof__(real(conn, query)) r = real(conn, query);
  --depth;
  return r;
}

PGresult* PQexecPrepared(PGconn* conn, const char* name, int n, const char* const* values,
                         const int* lengths, const int* formats, int result_format) {
  static PGresult* (*real)(PGconn*, const char*, int, const char* const*, const int*, const int*,
                           int);
  if (!real) real = dlsym(RTLD_NEXT, "PQexecPrepared");
  pthread_mutex_lock(&mu);
  const char* sql = SqlOf(name);
  pthread_mutex_unlock(&mu);
  Line("pg", "execute", sql);
  ++depth;
  __typeof__(real(conn, name, n, values, lengths, formats, result_format)) r = real(conn, name, n, values, lengths, formats, result_format);
  --depth;
  return r;
}

int PQsendQueryPrepared(PGconn* conn, const char* name, int n, const char* const* values,
                        const int* lengths, const int* formats, int result_format) {
  static int (*real)(PGconn*, const char*, int, const char* const*, const int*, const int*, int);
  if (!real) real = dlsym(RTLD_NEXT, "PQsendQueryPrepared");
  pthread_mutex_lock(&mu);
  const char* sql = SqlOf(name);
  pthread_mutex_unlock(&mu);
  Line("pg", "send", sql);
  ++depth;
  __typeof__(real(conn, name, n, values, lengths, formats, result_format)) r = real(conn, name, n, values, lengths, formats, result_format);
  --depth;
  return r;
}

int sqlite3_exec(void* db, const char* sql, void* callback, void* arg, char** error) {
  static int (*real)(void*, const char*, void*, void*, char**);
  if (!real) real = dlsym(RTLD_NEXT, "sqlite3_exec");
  Line("sqlite", "exec", sql);
  ++depth;
  __typeof__(real(db, sql, callback, arg, error)) r = real(db, sql, callback, arg, error);
  --depth;
  return r;
}
