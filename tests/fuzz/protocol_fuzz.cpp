// Fuzz target: decoding the MPI messages (a worker's result and epoch reports, rank 0's job and
// verdicts, prepare's ranges and images). The first byte picks the decoder, the rest is the message body. Decoding throws
// std::runtime_error on a malformed body or succeeds; what it decodes must encode to bytes that
// decode and encode again to the same bytes.
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "sweep/mpi/protocol.h"

namespace {

template <typename Decode, typename Encode>
void round_trip(const sweep::Bytes& body, Decode decode, Encode encode) {
  sweep::Bytes once;
  try {
    once = encode(decode(body));
  } catch (const std::runtime_error&) {
    return;
  }
  const sweep::Bytes twice = encode(decode(once));  // must not throw: it was just encoded
  if (once != twice) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const sweep::Bytes body(data + 1, data + size);
  switch (data[0] % 7) {
    case 0:
      round_trip(body, sweep::decode_job, sweep::encode_job);
      break;
    case 1:
      round_trip(body, sweep::decode_spec, sweep::encode_spec);
      break;
    case 2:
      round_trip(body, sweep::decode_result, sweep::encode_result);
      break;
    case 3:
      round_trip(body, sweep::decode_range, sweep::encode_range);
      break;
    case 4:
      round_trip(body, sweep::decode_prepared, sweep::encode_prepared);
      break;
    case 5:
      round_trip(body, sweep::decode_epoch, sweep::encode_epoch);
      break;
    default:
      round_trip(body, sweep::decode_text, sweep::encode_text);
      break;
  }
  return 0;
}
