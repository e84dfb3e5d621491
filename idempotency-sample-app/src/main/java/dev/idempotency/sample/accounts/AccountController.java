package dev.idempotency.sample.accounts;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.idempotency.sample.Money;

/** {@code PUT /accounts/{id}} sets a balance (PUT is idempotent by nature); {@code GET} reads it. */
@RestController
@RequestMapping("/accounts")
class AccountController {

	private final Accounts accounts;

	AccountController(Accounts accounts) {
		this.accounts = accounts;
	}

	@PutMapping("/{id}")
	ResponseEntity<AccountResponse> put(@PathVariable String id, @RequestBody BalanceRequest request) {
		boolean created = this.accounts.put(id, Money.parse(request.balance(), "balance", false));
		return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
			.body(AccountResponse.of(this.accounts.get(id)));
	}

	@GetMapping("/{id}")
	AccountResponse get(@PathVariable String id) {
		return AccountResponse.of(this.accounts.get(id));
	}

	record BalanceRequest(@Nullable JsonNode balance) {
	}

	record AccountResponse(String id, String balance) {

		static AccountResponse of(Account account) {
			return new AccountResponse(account.id(), Money.format(account.balance()));
		}

	}

}
