// A small TorchScript feature extractor written the way a user's exported one looks: for the
// torchscript model's tests.
#pragma once

#include <string>

namespace sweep::test {

// Writes to `path` a TorchScript module taking 3-channel images: conv3x3 (16 filters), batch
// normalization with running statistics, ReLU and average pooling to 2x2 (64 features out).
// Throws c10::Error when it cannot be written.
void write_backbone(const std::string& path);

}  // namespace sweep::test
