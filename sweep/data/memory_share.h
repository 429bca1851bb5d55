// How much memory one rank may fill with a loaded image cache (cache_memory = auto): what the
// node has available, capped by the job's cgroup limit (Slurm and LSF confine jobs with
// cgroups), shared among the ranks on the node.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sweep {

// MemAvailable of a /proc/meminfo text, in bytes; nullopt when the line is missing or bad.
std::optional<std::uint64_t> parse_mem_available(const std::string& meminfo);

// The cgroup v2 path of a /proc/self/cgroup text (its "0::/PATH" line, e.g. "/slurm/uid_0/
// job_12"); nullopt when there is none (cgroup v1 or no cgroups).
std::optional<std::string> parse_cgroup_path(const std::string& self_cgroup);

// Bytes left under a cgroup's limit: memory.max minus memory.current, given their texts;
// nullopt when the limit is "max" (none) or a text is not a number.
std::optional<std::uint64_t> cgroup_room(const std::string& max_text,
                                         const std::string& current_text);

// Memory this process could still take: /proc/meminfo's MemAvailable, lowered to the room
// left in its cgroup (and the cgroups above it) where those set a limit. nullopt when
// /proc/meminfo cannot be read.
std::optional<std::uint64_t> available_memory();

// One rank's share: half of `available` (the other half is left for models, batches and the
// system) divided by the `ranks_on_node`.
std::uint64_t memory_share(std::uint64_t available, int ranks_on_node);

// Whether a cache of `cache_bytes` pixels is streamed under cache_memory = `memory`: "stream"
// always, "load" never, "auto" when it is larger than `share` bytes. Throws
// std::invalid_argument for another mode.
bool should_stream(const std::string& memory, std::uint64_t cache_bytes, std::uint64_t share);

}  // namespace sweep
