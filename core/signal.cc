#include "core/signal.h"

namespace ops::core {

Labels SignalLabels(const std::string& subject, const std::string& invariant, const Entity& entity,
                    const Labels& extra) {
  Labels labels = extra;
  labels[kLabelSubject] = subject;
  labels[kLabelInvariant] = invariant;
  labels[kLabelEntityKind] = entity.kind;
  labels[kLabelEntityId] = entity.id;
  return labels;
}

}  // namespace ops::core
