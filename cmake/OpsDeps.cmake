# Finds every third-party dependency once, as imported targets. All come from Debian 12 packages
# (scripts/deps installs them). Protobuf has no CMake config on Debian: use FindProtobuf.
# gRPC, libpqxx, libcurl and ncursesw come through pkg-config.
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)
find_package(absl REQUIRED CONFIG)
find_package(nlohmann_json 3.10 REQUIRED CONFIG)
find_package(GTest REQUIRED CONFIG)
find_package(benchmark CONFIG)
find_package(PkgConfig REQUIRED)
pkg_check_modules(GRPCPP REQUIRED IMPORTED_TARGET grpc++)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)
pkg_check_modules(NCURSESW REQUIRED IMPORTED_TARGET ncursesw)
find_program(GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
find_library(GRPCPP_REFLECTION_LIB grpc++_reflection REQUIRED)
# Debian's cpp-httplib is a compiled library (libcpp-httplib.so built with OpenSSL, zlib and
# brotli support); its pkg-config file carries the matching compile definitions.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)

add_library(ops_grpc_reflection INTERFACE)
target_link_libraries(ops_grpc_reflection INTERFACE
  -Wl,--no-as-needed ${GRPCPP_REFLECTION_LIB} -Wl,--as-needed PkgConfig::GRPCPP)

add_library(ops_httplib INTERFACE)
target_link_libraries(ops_httplib INTERFACE PkgConfig::HTTPLIB Threads::Threads)
