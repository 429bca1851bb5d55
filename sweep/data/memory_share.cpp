#include "sweep/data/memory_share.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sweep {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "";
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<std::uint64_t> parse_number(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  if (i == text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
  std::uint64_t v = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    v = v * 10 + static_cast<std::uint64_t>(text[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<std::uint64_t> parse_mem_available(const std::string& meminfo) {
  std::istringstream in(meminfo);
  std::string line;
  const std::string key = "MemAvailable:";
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) != 0) continue;
    const std::optional<std::uint64_t> kib = parse_number(line.substr(key.size()));
    if (!kib) return std::nullopt;
    return *kib * 1024;
  }
  return std::nullopt;
}

std::optional<std::string> parse_cgroup_path(const std::string& self_cgroup) {
  std::istringstream in(self_cgroup);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("0::", 0) == 0) return line.substr(3);
  }
  return std::nullopt;
}

std::optional<std::uint64_t> cgroup_room(const std::string& max_text,
                                         const std::string& current_text) {
  const std::optional<std::uint64_t> max = parse_number(max_text);
  const std::optional<std::uint64_t> current = parse_number(current_text);
  if (!max || !current) return std::nullopt;
  return *max > *current ? *max - *current : 0;
}

std::optional<std::uint64_t> available_memory() {
  std::optional<std::uint64_t> room = parse_mem_available(read_text("/proc/meminfo"));
  if (!room) return std::nullopt;
  const std::optional<std::string> path = parse_cgroup_path(read_text("/proc/self/cgroup"));
  if (!path) return room;
  // A limit may sit on any cgroup above this one (Slurm puts it on the job, steps below it).
  for (std::filesystem::path p = std::filesystem::path("/sys/fs/cgroup") / path->substr(1);
       p.string().size() >= std::string("/sys/fs/cgroup").size(); p = p.parent_path()) {
    const std::optional<std::uint64_t> r = cgroup_room(read_text((p / "memory.max").string()),
                                                       read_text((p / "memory.current").string()));
    if (r) room = std::min(*room, *r);
    if (p == p.parent_path()) break;
  }
  return room;
}

std::uint64_t memory_share(std::uint64_t available, int ranks_on_node) {
  return available / 2 / static_cast<std::uint64_t>(std::max(1, ranks_on_node));
}

bool should_stream(const std::string& memory, std::uint64_t cache_bytes, std::uint64_t share) {
  if (memory == "stream") return true;
  if (memory == "load") return false;
  if (memory == "auto") return cache_bytes > share;
  throw std::invalid_argument("cache_memory: unknown mode '" + memory + "'");
}

}  // namespace sweep
