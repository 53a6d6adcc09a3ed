//! Table / CSV / JSON rendering shared by the headless commands.
