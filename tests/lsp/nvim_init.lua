-- Drives Neovim's built-in LSP client against `guidelint lsp` (tests/test_lsp_nvim.py).
-- Works with Neovim 0.7 (Debian 12), which has vim.lsp.start_client but not vim.lsp.start.
-- Environment: GL_PY (python with guidelint), GL_ROOT (the site), GL_OUT (JSON written here).
local root = os.getenv("GL_ROOT")
local result = {version = vim.version()}

local function all()
  local items = {}
  for _, d in ipairs(vim.diagnostic.get()) do
    local lsp = (d.user_data and d.user_data.lsp) or {}
    local name = vim.api.nvim_buf_get_name(d.bufnr)
    table.insert(items, {file = name:sub(#root + 2), line = d.lnum + 1, col = d.col + 1,
      code = d.code or lsp.code, message = d.message, severity = d.severity, source = d.source})
  end
  table.sort(items, function(a, b) return a.file .. a.line .. a.code < b.file .. b.line .. b.code end)
  return items
end

local function has(file, code)
  for _, d in ipairs(all()) do
    if d.file == file and d.code == code then return true end
  end
  return false
end

local function wait(pred) return vim.wait(20000, pred, 20) end

local client = vim.lsp.start_client({
  cmd = {os.getenv("GL_PY"), "-m", "guidelint", "lsp"},
  root_dir = root,
  init_options = {debounceMs = 50},
})

-- 1. open a page: its findings arrive
vim.cmd("edit " .. root .. "/content/training.md")
vim.lsp.buf_attach_client(0, client)
result.opened_ok = wait(function() return has("content/training.md", "GL510") and has("content/training.md", "GL320") end)
result.opened = all()

-- 2. edit it without saving: the misspelling fixed, a broken link added
vim.api.nvim_buf_set_lines(0, 2, 3, false, {"Most programs list their accreditor, such as CAAHEP, on the first page."})
vim.api.nvim_buf_set_lines(0, -1, -1, false, {"", "Read the [exam guide](exam-guide.md) next."})
result.edited_ok = wait(function() return has("content/training.md", "GL301") and not has("content/training.md", "GL510") end)
result.edited = all()

-- 3. rename a heading on another page: the pages linking to its anchor are told
vim.cmd("edit " .. root .. "/content/wages.md")
vim.lsp.buf_attach_client(0, client)
vim.api.nvim_buf_set_lines(0, 4, 5, false, {"## Pay factors"})
result.renamed_ok = wait(function() return has("content/index.md", "GL302") and has("content/states/index.md", "GL302") end)
result.renamed = all()

local fh = io.open(os.getenv("GL_OUT"), "w")
fh:write(vim.fn.json_encode(result))
fh:close()
vim.cmd("qa!")
