#include "core/snapshot.h"

namespace ops::core {

const StoreStatus* Snapshot::FindStore(const std::string& id) const {
  for (const StoreStatus& s : stores) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const ControlPlaneMember* Snapshot::Leader() const {
  for (const ControlPlaneMember& m : members) {
    if (m.is_leader) return &m;
  }
  return nullptr;
}

}  // namespace ops::core
