# credguard_embed_files(<target> <namespace> FILES name=path ...)
# Compiles text files into the binary as a lookup table of string views, so
# the embedded defaults (runbooks, scenarios) ship inside the executable.
function(credguard_embed_files target)
  cmake_parse_arguments(ARG "" "HEADER" "FILES" ${ARGN})
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${target}_embedded.cpp")
  set(script "${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake")
  set(pairs "")
  set(deps "")
  foreach(entry IN LISTS ARG_FILES)
    string(REPLACE "=" ";" kv "${entry}")
    list(GET kv 1 path)
    list(APPEND deps "${path}")
    list(APPEND pairs "${entry}")
  endforeach()
  string(REPLACE ";" "|" pairs_arg "${pairs}")
  add_custom_command(OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DPAIRS=${pairs_arg} -DHEADER=${ARG_HEADER} -P ${script}
    DEPENDS ${deps} ${script}
    COMMENT "Embedding data files into ${target}"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()
