#include "libs/grpc/server_runner.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "libs/grpc/channel.h"
#include "libs/grpc/status_convert.h"
#include "libs/grpc/testdata/test_echo_service.h"
#include "libs/http/client.h"
#include "libs/status/status_matchers.h"
#include "ops/test/v1/echo.grpc.pb.h"

namespace ops::grpcutil {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::ops::grpcutil::testing::TestEchoService;
using ::ops::test::v1::EchoReply;
using ::ops::test::v1::EchoRequest;
using ::ops::test::v1::EchoService;
using ::ops::testing::StatusIs;
using ::testing::HasSubstr;

ServerRunner::Options BaseOptions(TestEchoService* service) {
  ServerRunner::Options options;
  options.listen_address = "127.0.0.1:0";
  options.services = {service};
  return options;
}

absl::StatusOr<std::string> Echo(const std::string& address, const std::string& text) {
  auto stub = EchoService::NewStub(MakeChannel(address));
  grpc::ClientContext ctx;
  SetDeadline(&ctx, absl::Seconds(10));
  EchoRequest request;
  request.set_text(text);
  EchoReply reply;
  grpc::Status status = stub->Echo(&ctx, request, &reply);
  if (!status.ok()) return ToAbslStatus(status);
  return reply.text();
}

HealthCheckResponse::ServingStatus CheckHealth(const std::string& address,
                                               const std::string& service,
                                               grpc::StatusCode* code = nullptr) {
  auto stub = Health::NewStub(MakeChannel(address));
  grpc::ClientContext ctx;
  SetDeadline(&ctx, absl::Seconds(10));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  grpc::Status status = stub->Check(&ctx, request, &response);
  if (code != nullptr) *code = status.error_code();
  return response.status();
}

TEST(ServerRunnerTest, ServesRegisteredServiceOnPickedPort) {
  TestEchoService service;
  ASSERT_OK_AND_ASSIGN(auto runner, ServerRunner::Create(BaseOptions(&service)));
  EXPECT_GT(runner->port(), 0);
  EXPECT_EQ(runner->address(), absl::StrCat("127.0.0.1:", runner->port()));
  EXPECT_EQ(runner->metrics_port(), -1);
  ASSERT_OK_AND_ASSIGN(std::string reply, Echo(runner->address(), "hello"));
  EXPECT_EQ(reply, "hello");
  // An absl error from a handler reaches the client with its code and message.
  EXPECT_THAT(Echo(runner->address(), "fail"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("asked to fail")));
  EXPECT_THAT(runner->service_names(), ::testing::Contains("ops.test.v1.EchoService"));
  runner->Shutdown();
  EXPECT_TRUE(runner->WaitFor(absl::ZeroDuration()));
  EXPECT_THAT(Echo(runner->address(), "late"), StatusIs(absl::StatusCode::kUnavailable));
}

TEST(ServerRunnerTest, WildcardAddressIsDialableOnLoopback) {
  TestEchoService service;
  ServerRunner::Options options = BaseOptions(&service);
  options.listen_address = "0.0.0.0:0";
  ASSERT_OK_AND_ASSIGN(auto runner, ServerRunner::Create(options));
  EXPECT_EQ(runner->address(), absl::StrCat("127.0.0.1:", runner->port()));
  EXPECT_THAT(Echo(runner->address(), "x"), ::ops::testing::IsOk());
}

TEST(ServerRunnerTest, BindFailureNamesTheAddress) {
  TestEchoService service;
  ASSERT_OK_AND_ASSIGN(auto first, ServerRunner::Create(BaseOptions(&service)));
  TestEchoService other;
  ServerRunner::Options options = BaseOptions(&other);
  options.listen_address = absl::StrCat("127.0.0.1:", first->port());
  EXPECT_THAT(ServerRunner::Create(options),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr(options.listen_address)));
}

TEST(ServerRunnerTest, BindFailureOnPortHeldByPlainSocket) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  TestEchoService service;
  ServerRunner::Options options = BaseOptions(&service);
  options.listen_address = absl::StrCat("127.0.0.1:", ntohs(addr.sin_port));
  EXPECT_THAT(ServerRunner::Create(options),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr(options.listen_address)));
  close(fd);
}

TEST(ServerRunnerTest, RejectsBadOptions) {
  TestEchoService service;
  ServerRunner::Options options = BaseOptions(&service);
  options.listen_address = "";
  EXPECT_THAT(ServerRunner::Create(options), StatusIs(absl::StatusCode::kInvalidArgument));
  options = BaseOptions(&service);
  options.shutdown_deadline = absl::Seconds(-1);
  EXPECT_THAT(ServerRunner::Create(options), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ServerRunnerTest, HealthServingThenNotServingOnceShutdownStarts) {
  TestEchoService service;
  ServerRunner::Options options = BaseOptions(&service);
  std::string address;
  HealthCheckResponse::ServingStatus during_shutdown = HealthCheckResponse::UNKNOWN;
  HealthCheckResponse::ServingStatus service_during_shutdown = HealthCheckResponse::UNKNOWN;
  // on_shutdown runs after NOT_SERVING is set and before the server stops accepting calls.
  options.on_shutdown = {[&] {
    during_shutdown = CheckHealth(address, "");
    service_during_shutdown = CheckHealth(address, "ops.test.v1.EchoService");
  }};
  ASSERT_OK_AND_ASSIGN(auto runner, ServerRunner::Create(options));
  address = runner->address();
  EXPECT_EQ(CheckHealth(address, ""), HealthCheckResponse::SERVING);
  EXPECT_EQ(CheckHealth(address, "ops.test.v1.EchoService"), HealthCheckResponse::SERVING);
  grpc::StatusCode code = grpc::StatusCode::OK;
  CheckHealth(address, "no.such.Service", &code);
  EXPECT_EQ(code, grpc::StatusCode::NOT_FOUND);

  runner->SetServing("ops.test.v1.EchoService", false);
  EXPECT_EQ(CheckHealth(address, "ops.test.v1.EchoService"), HealthCheckResponse::NOT_SERVING);
  runner->SetServing("ops.test.v1.EchoService", true);

  runner->Shutdown();
  EXPECT_EQ(during_shutdown, HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(service_during_shutdown, HealthCheckResponse::NOT_SERVING);
}

// Calls grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo with list_services. The
// message types come from libgrpc++_reflection's own descriptors (its headers are not
// installed, and a second generated copy would clash with it).
absl::StatusOr<std::string> ListServicesByReflection(const std::string& address) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  const auto* req_desc =
      pool->FindMessageTypeByName("grpc.reflection.v1alpha.ServerReflectionRequest");
  const auto* resp_desc =
      pool->FindMessageTypeByName("grpc.reflection.v1alpha.ServerReflectionResponse");
  if (req_desc == nullptr || resp_desc == nullptr) {
    return absl::NotFoundError("reflection descriptors not linked");
  }
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> request(factory->GetPrototype(req_desc)->New());
  std::unique_ptr<google::protobuf::Message> response(factory->GetPrototype(resp_desc)->New());
  request->GetReflection()->SetString(request.get(), req_desc->FindFieldByName("list_services"),
                                      "*");
  std::string wire = request->SerializeAsString();
  grpc::Slice slice(wire);
  grpc::ByteBuffer send(&slice, 1);

  grpc::GenericStub stub(MakeChannel(address));
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, absl::Seconds(10));
  auto call =
      stub.PrepareCall(&ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  auto step = [&cq](int tag) -> bool {
    void* got = nullptr;
    bool ok = false;
    return cq.Next(&got, &ok) && ok && got == reinterpret_cast<void*>(tag);
  };
  grpc::ByteBuffer received;
  grpc::Status status;
  call->StartCall(reinterpret_cast<void*>(1));
  bool ok = step(1);
  if (ok) call->Write(send, reinterpret_cast<void*>(2));
  ok = ok && step(2);
  if (ok) call->Read(&received, reinterpret_cast<void*>(3));
  ok = ok && step(3);
  if (ok) call->WritesDone(reinterpret_cast<void*>(4));
  ok = ok && step(4);
  call->Finish(&status, reinterpret_cast<void*>(5));
  void* tag;
  bool finish_ok;
  while (cq.Next(&tag, &finish_ok) && tag != reinterpret_cast<void*>(5)) {
  }
  cq.Shutdown();
  while (cq.Next(&tag, &finish_ok)) {
  }
  if (!status.ok()) return ToAbslStatus(status);
  if (!ok) return absl::InternalError("reflection call step failed");
  std::vector<grpc::Slice> slices;
  if (!received.Dump(&slices).ok()) return absl::InternalError("cannot read reply");
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  if (!response->ParseFromString(bytes)) return absl::DataLossError("bad reflection reply");
  return response->DebugString();
}

TEST(ServerRunnerTest, ReflectionListsServices) {
  TestEchoService service;
  ASSERT_OK_AND_ASSIGN(auto runner, ServerRunner::Create(BaseOptions(&service)));
  ASSERT_OK_AND_ASSIGN(std::string listing, ListServicesByReflection(runner->address()));
  EXPECT_THAT(listing, HasSubstr("\"ops.test.v1.EchoService\""));
  EXPECT_THAT(listing, HasSubstr("\"grpc.health.v1.Health\""));
}

TEST(ServerRunnerTest, ServesMetricsOnSidePort) {
  TestEchoService service;
  ServerRunner::Options options = BaseOptions(&service);
  options.metrics_port = 0;
  int renders = 0;
  options.metrics_text = [&renders] {
    ++renders;
    return absl::StrCat("# TYPE ops_test_total counter\nops_test_total ", renders, "\n");
  };
  ASSERT_OK_AND_ASSIGN(auto runner, ServerRunner::Create(options));
  ASSERT_GT(runner->metrics_port(), 0);
  ASSERT_OK_AND_ASSIGN(auto client, ops::http::Client::Create({}));
  std::string url = absl::StrCat("http://127.0.0.1:", runner->metrics_port(), "/metrics");
  ASSERT_OK_AND_ASSIGN(auto response, client->Get(url));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "# TYPE ops_test_total counter\nops_test_total 1\n");
  EXPECT_THAT(response.Header("Content-Type"), HasSubstr("version=0.0.4"));
  ASSERT_OK_AND_ASSIGN(auto again, client->Get(url));
  EXPECT_THAT(again.body, HasSubstr("ops_test_total 2"));
  runner->Shutdown();
  EXPECT_FALSE(client->Get(url).ok());  // the side port is closed with the server
}

TEST(ServerRunnerTest, MetricsPortInUseFailsCreate) {
  TestEchoService service;
  ServerRunner::Options options = BaseOptions(&service);
  options.metrics_port = 0;
  ASSERT_OK_AND_ASSIGN(auto first, ServerRunner::Create(options));
  TestEchoService other;
  ServerRunner::Options clash = BaseOptions(&other);
  clash.metrics_port = first->metrics_port();
  auto clashed = ServerRunner::Create(clash);
  ASSERT_FALSE(clashed.ok());
  EXPECT_THAT(std::string(clashed.status().message()),
              HasSubstr(absl::StrCat(first->metrics_port())));
}

TEST(ServerRunnerTest, ShutdownIsIdempotentAndWaitReturns) {
  TestEchoService service;
  ASSERT_OK_AND_ASSIGN(auto runner, ServerRunner::Create(BaseOptions(&service)));
  EXPECT_FALSE(runner->shutting_down());
  EXPECT_FALSE(runner->WaitFor(absl::ZeroDuration()));
  std::thread waiter([&] { runner->Wait(); });
  std::thread a([&] { runner->Shutdown(); });
  std::thread b([&] { runner->Shutdown(); });
  a.join();
  b.join();
  waiter.join();
  EXPECT_TRUE(runner->shutting_down());
  runner->Shutdown();
}

}  // namespace
}  // namespace ops::grpcutil
