// Client-side helpers: a channel with keepalive settings that suit our long-lived streams, and
// deadlines from absl::Duration (STYLE.md: every unary call sets one).
//
//   auto channel = MakeChannel("127.0.0.1:50051");
//   auto stub = ops::tickets::v1::TicketService::NewStub(channel);
//   grpc::ClientContext ctx;
//   SetDeadline(&ctx, absl::Seconds(2));
//
// Thread-safe: channels are shared by all threads; a ClientContext belongs to one call.
#ifndef OPS_LIBS_GRPC_CHANNEL_H_
#define OPS_LIBS_GRPC_CHANNEL_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <chrono>
#include <memory>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ops::grpcutil {

struct ChannelOptions {
  // Ping an idle connection this often so a dead peer under an open Watch stream is noticed
  // (gRPC doc/keepalive.md: client keepalive is off by default). Servers built by ServerRunner
  // accept pings this frequent; other servers may answer GOAWAY "too_many_pings" below 5 min.
  absl::Duration keepalive_time = absl::Seconds(30);
  // gRPC's default ack timeout (doc/keepalive.md).
  absl::Duration keepalive_timeout = absl::Seconds(20);
  // Largest message accepted from the server; -1 for unlimited. gRPC's default is 4 MiB.
  int max_receive_message_bytes = 16 << 20;
};

// Insecure channel to `address` ("host:port", "dns:///host:port", "unix:/path"). Connects
// lazily; never fails here (errors surface on the first call as UNAVAILABLE).
std::shared_ptr<grpc::Channel> MakeChannel(absl::string_view address,
                                           const ChannelOptions& options = {});

// now + timeout, as ClientContext::set_deadline wants it. A non-finite timeout gives the
// farthest representable time point.
std::chrono::system_clock::time_point Deadline(absl::Duration timeout);

// Sets ctx's deadline to now + timeout. Call before starting the RPC.
void SetDeadline(grpc::ClientContext* ctx, absl::Duration timeout);

}  // namespace ops::grpcutil

#endif  // OPS_LIBS_GRPC_CHANNEL_H_
