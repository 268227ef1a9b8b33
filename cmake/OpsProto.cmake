# add_grpc_proto_library(<target> PROTOS a.proto b.proto ... [IMPORT_DIR dir])
#
# Generates C++ protobuf and gRPC code for every listed .proto (paths relative to the current
# source dir) into the build tree and builds one static library <target> from it. Include paths
# mirror the proto package layout, so `#include "ops/v1/common.pb.h"` works for dependents.
function(add_grpc_proto_library target)
  cmake_parse_arguments(ARG "" "IMPORT_DIR" "PROTOS" ${ARGN})
  if(NOT ARG_IMPORT_DIR)
    set(ARG_IMPORT_DIR ${CMAKE_CURRENT_SOURCE_DIR})
  endif()
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/gen)
  file(MAKE_DIRECTORY ${out_dir})
  set(srcs)
  set(hdrs)
  foreach(proto ${ARG_PROTOS})
    get_filename_component(abs ${proto} ABSOLUTE)
    file(RELATIVE_PATH rel ${ARG_IMPORT_DIR} ${abs})
    string(REGEX REPLACE "\\.proto$" "" stem ${rel})
    set(gen ${out_dir}/${stem}.pb.cc ${out_dir}/${stem}.pb.h
            ${out_dir}/${stem}.grpc.pb.cc ${out_dir}/${stem}.grpc.pb.h
            ${out_dir}/${stem}_mock.grpc.pb.h)
    add_custom_command(
      OUTPUT ${gen}
      COMMAND protobuf::protoc
        --proto_path=${ARG_IMPORT_DIR}
        --cpp_out=${out_dir}
        --grpc_out=generate_mock_code=true:${out_dir}
        --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN}
        ${abs}
      DEPENDS ${abs} ${ARG_PROTOS}
      COMMENT "protoc ${rel}"
      VERBATIM)
    list(APPEND srcs ${out_dir}/${stem}.pb.cc ${out_dir}/${stem}.grpc.pb.cc)
    list(APPEND hdrs ${out_dir}/${stem}.pb.h ${out_dir}/${stem}.grpc.pb.h)
  endforeach()
  add_library(${target} STATIC ${srcs} ${hdrs})
  target_include_directories(${target} PUBLIC ${out_dir})
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf PkgConfig::GRPCPP)
  # Generated code is not ours to warn about.
  target_compile_options(${target} PRIVATE -w)
endfunction()
