# frozen_string_literal: true

module LayerRisk
  VERSION = "0.1.0"
end
