// Conversions between absl::Status (what our libraries return) and grpc::Status (what gRPC
// handlers return and stubs produce). The canonical codes of both are the same 17 values, so
// codes map 1:1 and the message is kept; gRPC error details and absl payloads are dropped.
//
//   grpc::Status Get(...) override { return ToGrpcStatus(store_->Get(id, reply)); }
//   absl::Status s = ToAbslStatus(stub->Get(&ctx, req, &reply));
//
// Pure functions; thread-safe.
#ifndef OPS_LIBS_GRPC_STATUS_CONVERT_H_
#define OPS_LIBS_GRPC_STATUS_CONVERT_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace ops::grpcutil {

// OK maps to grpc::Status::OK; a code outside the canonical range maps to UNKNOWN.
grpc::Status ToGrpcStatus(const absl::Status& status);

// OK maps to absl::OkStatus(); a code outside the canonical range maps to kUnknown.
absl::Status ToAbslStatus(const grpc::Status& status);

}  // namespace ops::grpcutil

#endif  // OPS_LIBS_GRPC_STATUS_CONVERT_H_
