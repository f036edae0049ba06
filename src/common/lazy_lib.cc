#include "common/lazy_lib.h"

namespace custody {

Result<void*> OpenSharedLibrary(const char* soname) {
  void* h = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) {
    const char* why = ::dlerror();
    return Status::Unavailable(soname, std::string("cannot be loaded (") + (why != nullptr ? why : "unknown error") +
                                           "); install the library's Debian runtime package");
  }
  return h;
}

}  // namespace custody
