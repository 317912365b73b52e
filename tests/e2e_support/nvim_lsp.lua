-- Headless Neovim (0.7+) as an LSP client of gemini-lsp, for tests/test_neovim.py.
-- Usage: nvim --headless --clean -u nvim_lsp.lua FILE.gemini.json
-- Environment:
--   GEMINI_LSP_CMD       JSON list: the server command (e.g. ["/venv/bin/gemini-lsp", "serve", "--stdio"])
--   GEMINI_LSP_OUT       where the JSON result is written
--   GEMINI_LSP_SETTINGS  JSON object answered to workspace/configuration (e.g. {"geminiLsp": {"model": "..."}})
--   GEMINI_LSP_EDIT      "1": after the first non-empty report, replace the text GEMINI_LSP_EDIT_FROM with
--                        GEMINI_LSP_EDIT_TO on its line (an incremental didChange) and wait for an empty report
--   GEMINI_LSP_TIMEOUT_MS  default 20000
-- Result: {"uri", "reports": [{version, lsp: [...raw diagnostics...], nvim: [...vim.diagnostic.get()...]}],
--          "edited": bool, "client": {name, capabilities...}, "error": string|nil}
-- a broken setup must not leave Neovim waiting: any error before the timer below quits with an error code
local function die(msg)
  io.stderr:write('nvim_lsp.lua: ' .. tostring(msg) .. '\n')
  vim.cmd('cquit 6')
end

local out_path = os.getenv('GEMINI_LSP_OUT') or die('GEMINI_LSP_OUT is not set')
local cmd = vim.fn.json_decode(os.getenv('GEMINI_LSP_CMD') or die('GEMINI_LSP_CMD is not set'))
local settings = vim.fn.json_decode(os.getenv('GEMINI_LSP_SETTINGS') or '{}')
local edit = os.getenv('GEMINI_LSP_EDIT') == '1'
local edit_from = os.getenv('GEMINI_LSP_EDIT_FROM') or ''
local edit_to = os.getenv('GEMINI_LSP_EDIT_TO') or ''
local timeout_ms = tonumber(os.getenv('GEMINI_LSP_TIMEOUT_MS') or '20000')

vim.lsp.set_log_level('debug')

local result = { reports = {}, edited = false }
local done = false

local function finish(code, err)
  if done then
    return
  end
  done = true
  result.error = err
  local f = assert(io.open(out_path, 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
  if code == 0 then
    vim.cmd('qall!')
  else
    vim.cmd('cquit ' .. code)
  end
end

local function apply_edit(bufnr)
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  for i, line in ipairs(lines) do
    local s, e = line:find(edit_from, 1, true)
    if s then
      -- nvim_buf_set_text: 0-based row, byte columns, end exclusive
      vim.api.nvim_buf_set_text(bufnr, i - 1, s - 1, i - 1, e, { edit_to })
      result.edited = true
      return true
    end
  end
  return false
end

local function on_publish(err, params, ctx, config)
  vim.lsp.diagnostic.on_publish_diagnostics(err, params, ctx, config)
  local bufnr = vim.uri_to_bufnr(params.uri)
  result.uri = params.uri
  table.insert(result.reports, {
    version = params.version,
    lsp = params.diagnostics,
    nvim = vim.diagnostic.get(bufnr),
  })
  local n = #params.diagnostics
  if not edit then
    if n > 0 then
      finish(0)
    end
  elseif not result.edited then
    if n > 0 then
      vim.schedule(function()
        if not apply_edit(bufnr) then
          finish(3, 'edit text not found: ' .. edit_from)
        end
      end)
    end
  elseif n == 0 then
    finish(0)
  end
end

vim.api.nvim_create_autocmd('BufReadPost', {
  pattern = '*.gemini.json',
  callback = function(args)
    local root = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(args.buf), ':p:h')
    local client_id = vim.lsp.start_client({
      name = 'gemini-lsp',
      cmd = cmd,
      root_dir = root,
      settings = settings,
      handlers = { ['textDocument/publishDiagnostics'] = on_publish },
      on_init = function(client)
        result.client = { name = client.name, server_capabilities = client.server_capabilities }
        -- Neovim 0.7 answers workspace/configuration from `settings` but does not advertise it; like
        -- nvim-lspconfig, push the settings once (later versions get them pulled by the server)
        if next(settings) ~= nil then
          client.notify('workspace/didChangeConfiguration', { settings = settings })
        end
      end,
      on_exit = function(code, signal)
        vim.schedule(function()
          if not done then
            finish(4, string.format('server exited (code %s, signal %s)', tostring(code), tostring(signal)))
          end
        end)
      end,
    })
    if client_id == nil then
      finish(5, 'vim.lsp.start_client failed')
      return
    end
    vim.lsp.buf_attach_client(args.buf, client_id)
  end,
})

vim.defer_fn(function()
  finish(2, 'timeout after ' .. timeout_ms .. ' ms')
end, timeout_ms)
