#include "core/errors.h"

namespace sweep {

int exit_code_of(const std::exception& e) {
  if (dynamic_cast<const GridError*>(&e) || dynamic_cast<const UsageError*>(&e) ||
      dynamic_cast<const DataError*>(&e) || dynamic_cast<const StoreFormatError*>(&e) ||
      dynamic_cast<const StoreLockedError*>(&e) || dynamic_cast<const StoreMissingError*>(&e)) {
    return kExitBadInput;
  }
  return kExitInternal;
}

}  // namespace sweep
