// Shared libraries that only some commands need, opened on first use.
//
// libcurl (registry and OSV queries) and libarchive (OSV zip exports) pull in
// 26 further libraries (Kerberos, LDAP, ICU, GnuTLS, ...): linked normally,
// the binary loaded 56 libraries at start instead of 28, which cost every
// custody process ~12 ms on a 2-vCPU VM (an empty program linked to them:
// 17.8 ms; without them: 6.7 ms). Hooks, `scan` and `check` without --online
// never call them. Code that needs one opens it here and calls it through
// function pointers of the declared types.
#pragma once

#include <dlfcn.h>

#include <string>
#include <utility>

#include "custody/status.h"

namespace custody {

// Opens `soname` (the runtime name, e.g. "libcurl.so.4") with
// RTLD_NOW | RTLD_LOCAL. Unavailable "SONAME: why" when it cannot be loaded.
// The handle is never closed: callers keep it for the process's life.
Result<void*> OpenSharedLibrary(const char* soname);

// The function `name` of an opened library as a pointer of type `Fn`
// (decltype(&the_function) from the library's own header, so the types
// cannot drift). When it is missing, sets `*st`, if still OK, to Unavailable
// naming the library and the symbol, and returns nullptr.
template <typename Fn>
Fn LibraryFunction(void* handle, const char* soname, const char* name, Status* st) {
  void* p = handle != nullptr ? ::dlsym(handle, name) : nullptr;
  if (p == nullptr && st->ok()) {
    *st = Status::Unavailable(soname, std::string("has no function ") + name);
  }
  return reinterpret_cast<Fn>(p);
}

// Opens `soname` on the first call and fills an `Api` struct of function
// pointers with `resolve(handle, &api, &status)` (LibraryFunction for each).
// Every later call returns the same answer: the struct, or the Status of the
// first failure. One struct per call site (each lambda is its own type);
// thread-safe, and never freed.
template <typename Api, typename Resolve>
Result<const Api*> LoadLibraryApi(const char* soname, Resolve resolve) {
  static const auto* loaded = [&] {
    auto* out = new std::pair<Api, Status>();
    auto h = OpenSharedLibrary(soname);
    if (!h.ok()) {
      out->second = h.status();
    } else {
      resolve(*h, &out->first, &out->second);
    }
    return out;
  }();
  if (!loaded->second.ok()) return loaded->second;
  return &loaded->first;
}

}  // namespace custody
