// Dawn's Vulkan loader needs XDG_RUNTIME_DIR; headless CI machines often lack it.
process.env.XDG_RUNTIME_DIR ??= '/tmp';
