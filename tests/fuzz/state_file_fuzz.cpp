// Fuzz target: the header of a trial's state file (core/state_file.h), the part of a state that
// `sweep status` and rank 0 read before anything else. The input is the whole file: reading
// its header either throws DataError or gives a header (and params text) that re-encodes to the
// file's first bytes (flags as read) and whose payload length is exactly the rest of the file.
#include <cstdint>
#include <cstring>
#include <string>

#include "core/errors.h"
#include "core/state_file.h"
#include "tests/fuzz/fuzz_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = sweep::fuzz::write_input("state", data, size);
  try {
    const sweep::StateHeader h = sweep::read_state_header(path);
    if (size != sweep::kStateHeaderBytes + h.params.size() + h.payload_bytes) __builtin_trap();
    if (h.format != sweep::kStateFormat) __builtin_trap();
    std::string want(reinterpret_cast<const char*>(data),
                     sweep::kStateHeaderBytes + h.params.size());
    std::memset(&want[12], 0, 4);  // flags: only bit 0 is read
    want[12] = h.batch_is_ms ? 1 : 0;
    if (sweep::encode_state_header(h) != want) __builtin_trap();
    (void)sweep::parse_params(h.params);
    (void)sweep::state_position(h);
  } catch (const sweep::DataError&) {
  }
  return 0;
}
