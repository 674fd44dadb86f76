# orp user / token / audit end to end on a file database: add users (one with a password from
# stdin and TOTP), list them, create, list and revoke a token, verify the audit chain, then edit
# an audit row with the sqlite3 command-line tool (triggers dropped, as an attacker with the
# file would) and expect `orp audit verify` to fail naming that entry.
# Run as: cmake -DORP=path/to/orp -DSQLITE3=path/to/sqlite3 -DWORK_DIR=dir -P security_cli.cmake
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(file ${WORK_DIR}/orp.db)
set(db sqlite:${file})

function(run expect_rc)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  INPUT_FILE ${WORK_DIR}/password.txt)
  if(expect_rc STREQUAL "ok" AND NOT rc EQUAL 0)
    message(FATAL_ERROR "${ARGN}\nfailed (${rc}): ${err}")
  elseif(expect_rc STREQUAL "fail" AND rc EQUAL 0)
    message(FATAL_ERROR "${ARGN}\nsucceeded but should fail:\n${out}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

function(expect text regex what)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: expected /${regex}/ in:\n${text}")
  endif()
endfunction()

file(WRITE ${WORK_DIR}/password.txt "correct horse battery staple\n")
run(ok ${ORP} user add --db ${db} --username alice --role provider@rrk --role analyst
    --password-stdin --totp --format csv)
expect("${out}" "^user_id,username,roles,password,totp_secret,otpauth_uri\n1,alice,\"provider@RRK, analyst\",yes,[A-Z2-7]+,otpauth://totp/ORP:alice" "user add")
string(FIND "${out}${err}" "horse" printed)
if(NOT printed EQUAL -1)
  message(FATAL_ERROR "user add printed the password:\n${out}${err}")
endif()
run(ok ${ORP} user add --db ${db} --username feed-rrk --role submitter@RRK)
run(fail ${ORP} user add --db ${db} --username carol --role regulator --password-stdin)
expect("${err}" "needs a second factor" "password without TOTP")
run(ok ${ORP} user add --db ${db} --username demo --role analyst --password-stdin
    --no-second-factor)
run(fail ${ORP} user add --db ${db} --username bob --role provider)
expect("${err}" "^orp user add: grant 'provider': role provider needs a scope: provider@<ODS code>" "bad role")
run(fail ${ORP} user add --db ${db} --username alice --role analyst)
expect("${err}" "already exists" "duplicate user")
run(ok ${ORP} user list --db ${db} --format json)
expect("${out}" "\"username\": \"alice\"" "user list")
expect("${out}" "\"roles\": \"submitter@RRK\"" "user list")
expect("${out}" "\"username\": \"demo\",\n[^}]*\"totp\": \"no\"" "user list")

run(ok ${ORP} token create --db ${db} --username feed-rrk --expires 30 --format csv)
expect("${out}" "^token_id,token,expires_at\n1,orp_[a-z2-7]+,20[0-9-]+T" "token create")
string(REGEX MATCH "orp_[a-z2-7]+" token "${out}")
run(ok ${ORP} token revoke --db ${db} --id 1)
run(ok ${ORP} token list --db ${db} --username feed-rrk --format csv)
expect("${out}" "\n1,[^,]+,[^,]+,revoked " "token list")
run(fail ${ORP} token revoke --db ${db} --id 9)
expect("${err}" "^orp token revoke: token 9 does not exist" "revoke unknown")
run(ok ${ORP} user disable --db ${db} --username feed-rrk)

# An administrator sets a password: from standard input only, under the password policy.
file(WRITE ${WORK_DIR}/password.txt "short\n")
run(fail ${ORP} user password --db ${db} --username alice --password-stdin)
expect("${err}" "^orp user password: new_password: must be at least 12 characters" "policy")
run(fail ${ORP} user password --db ${db} --username alice)
expect("${err}" "--password-stdin is required" "password from stdin only")
file(WRITE ${WORK_DIR}/password.txt "a different long passphrase\n")
run(ok ${ORP} user password --db ${db} --username alice --password-stdin)
expect("${out}" "^password set for alice" "user password")
file(WRITE ${WORK_DIR}/password.txt "correct horse battery staple\n")

# The database holds neither the passwords nor the token.
file(READ ${file} bytes HEX)
foreach(secret "correct horse battery staple" "a different long passphrase" "${token}")
  string(HEX "${secret}" secret_hex)
  string(FIND "${bytes}" "${secret_hex}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "the database file contains a secret: ${secret}")
  endif()
endforeach()

run(ok ${ORP} audit list --db ${db} --actor orp-cli --format csv)
expect("${out}" "\n1,[^,]+,orp-cli,,user.create,user/alice," "audit list")
expect("${out}" "token.revoke,token/1" "audit list")
expect("${out}" "user.password,user/alice,[^,]*,[^,]*,\"?ok: set by an administrator" "audit list")
run(ok ${ORP} audit verify --db ${db} --format csv)
expect("${out}" "^entries,chain,head\n[0-9]+,intact,[0-9a-f]+" "audit verify")

execute_process(COMMAND ${SQLITE3} ${file}
  "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE seq = 2;"
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "sqlite3 could not edit the file: ${err}")
endif()
run(fail ${ORP} audit verify --db ${db})
expect("${err}" "^orp audit verify: audit entry seq 2 fails: hash does not match" "tampered")
file(REMOVE_RECURSE ${WORK_DIR})
