#include "core/state_file.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/errors.h"

namespace sweep {
namespace {

constexpr char kMagic[8] = {'S', 'W', 'E', 'E', 'P', 'S', 'T', '\n'};

void put(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t get(const char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  }
  return v;
}

}  // namespace

std::string encode_state_header(const StateHeader& h) {
  std::string out(kMagic, sizeof kMagic);
  put(out, h.format, 4);
  put(out, h.batch_is_ms ? 1 : 0, 4);  // flags
  put(out, h.trial_id, 8);
  put(out, static_cast<std::uint32_t>(h.epoch), 4);
  put(out, h.params.size(), 4);
  put(out, static_cast<std::uint64_t>(h.batch), 8);
  put(out, h.payload_bytes, 8);
  put(out, h.checksum, 8);
  return out + h.params;
}

StateHeader decode_state_header(const std::string& path, const char* bytes, std::size_t n) {
  if (n < sizeof kMagic || std::memcmp(bytes, kMagic, sizeof kMagic) != 0) {
    if (n >= 2 && bytes[0] == 'P' && bytes[1] == 'K') {  // format 1 or 2: a bare archive
      throw DataError(path +
                      ": a training state of another format (an earlier one; this sweep "
                      "reads " +
                      std::to_string(kStateFormat) + "), written by another version of sweep");
    }
    throw DataError(path + (n < sizeof kMagic ? ": cannot read the training state (truncated: " +
                                                    std::to_string(n) + " bytes)"
                                              : ": not a training state of sweep"));
  }
  if (n < kStateHeaderBytes) {
    throw DataError(path + ": cannot read the training state (truncated: " + std::to_string(n) +
                    " bytes)");
  }
  StateHeader h;
  h.format = static_cast<std::uint32_t>(get(bytes + 8, 4));
  if (h.format != kStateFormat) {
    throw DataError(path + ": a training state of another format (" + std::to_string(h.format) +
                    "; this sweep reads " + std::to_string(kStateFormat) +
                    "), written by another version of sweep");
  }
  h.batch_is_ms = (get(bytes + 12, 4) & 1) != 0;
  h.trial_id = get(bytes + 16, 8);
  h.epoch = static_cast<std::int32_t>(static_cast<std::uint32_t>(get(bytes + 24, 4)));
  h.batch = static_cast<std::int64_t>(get(bytes + 32, 8));
  h.payload_bytes = get(bytes + 40, 8);
  h.checksum = get(bytes + 48, 8);
  const std::size_t params = static_cast<std::size_t>(get(bytes + 28, 4));
  if (n - kStateHeaderBytes < params) {
    throw DataError(path + ": cannot read the training state (truncated: " + std::to_string(n) +
                    " bytes)");
  }
  h.params.assign(bytes + kStateHeaderBytes, params);
  return h;
}

StateHeader read_state_header(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot read the training state (no such file)");
  std::string buf(kStateHeaderBytes, '\0');
  in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
  buf.resize(static_cast<std::size_t>(in.gcount()));
  if (buf.size() == kStateHeaderBytes) {  // the params' length is in the header: read them too
    const std::size_t params = static_cast<std::size_t>(get(buf.data() + 28, 4));
    std::string more(std::min<std::size_t>(params, std::size_t{1} << 20), '\0');
    in.read(more.data(), static_cast<std::streamsize>(more.size()));
    buf.append(more.data(), static_cast<std::size_t>(in.gcount()));
  }
  const StateHeader h = decode_state_header(path, buf.data(), buf.size());
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  const std::uintmax_t want = kStateHeaderBytes + h.params.size() + h.payload_bytes;
  if (ec || size != want) {
    throw DataError(path + ": cannot read the training state (" +
                    (size < want ? "truncated: " : "longer than its header says: ") +
                    std::to_string(size) + " bytes, " + std::to_string(want) + " expected)");
  }
  return h;
}

std::string params_text(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [key, value] : params) out += key + "=" + value + "\n";
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_params(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(at, end - at);
    const std::size_t eq = line.find('=');
    if (eq != std::string::npos) out.emplace_back(line.substr(0, eq), line.substr(eq + 1));
    at = end + 1;
  }
  return out;
}

std::uint64_t state_checksum(const char* bytes, std::size_t n) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ n;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, bytes + i, 8);
    h = (h ^ w) * 0x100000001b3ULL;
    h ^= h >> 29;
  }
  for (; i < n; ++i) h = (h ^ static_cast<unsigned char>(bytes[i])) * 0x100000001b3ULL;
  return h ^ (h >> 32);
}

std::string state_position(const StateHeader& h) {
  std::string s = std::to_string(h.epoch);
  if (h.batch > 0) s += " + " + std::to_string(h.batch) + (h.batch_is_ms ? " ms" : " batches");
  return s;
}

std::string state_file_name(std::uint64_t trial_id) {
  char name[32];
  std::snprintf(name, sizeof name, "%016llx.state", static_cast<unsigned long long>(trial_id));
  return name;
}

std::optional<std::uint64_t> trial_of_state_file(const std::string& file_name) {
  if (file_name.size() != 22 || file_name.compare(16, 6, ".state") != 0) return std::nullopt;
  std::uint64_t id = 0;
  for (int i = 0; i < 16; ++i) {
    const char c = file_name[i];
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return std::nullopt;
    id = id << 4 | static_cast<std::uint64_t>(d);
  }
  return id;
}

std::vector<FoundState> list_states(const std::string& dir) {
  std::vector<FoundState> found;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::optional<std::uint64_t> id = trial_of_state_file(it->path().filename().string());
    if (!id) continue;
    FoundState s;
    s.trial_id = *id;
    s.path = it->path().string();
    try {
      s.header = read_state_header(s.path);
      if (s.header->trial_id != *id) {
        s.error = s.path + ": holds the state of another trial";
        s.header.reset();
      }
    } catch (const DataError& e) {
      s.error = e.what();
    }
    found.push_back(std::move(s));
  }
  std::sort(found.begin(), found.end(),
            [](const FoundState& a, const FoundState& b) { return a.trial_id < b.trial_id; });
  return found;
}

}  // namespace sweep
