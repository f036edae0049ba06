#pragma once
// Build configuration. Values here are public identifiers, not secrets.
#define ACME_GIT_SHA "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"
#define ACME_BUILD_UUID "f47ac10b-58cc-4372-a567-0e02b2c3d479"
#define ACME_TELEMETRY_HOST "telemetry.acme.io"
