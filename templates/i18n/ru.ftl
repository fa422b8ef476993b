## Все слова pressroom по-русски. Идентификаторы те же, что в en.ftl.
## Даты: шаблоны chrono (strftime), названия дней и месяцев берутся из локали ru_RU
## (месяц после числа стоит в родительном падеже: «27 ноября»).

# Локаль C: названия дней и месяцев, разделитель разрядов.
locale = ru_RU
# Дни недели и месяцы пишутся со строчной буквы («пт 06:05», «пятница, 27 ноября»);
# в начале строки шаблон ставит заглавную, как в начале предложения.
date-names = lower

## Даты
date-issue = %A, %-d %B %Y
date-issue-time = %A, %-d %B %Y, %H:%M
date-story = %a %H:%M
date-story-zone = %a %H:%M %Z
date-read-also = %-d %b
ago = { $unit ->
    [now] только что
    [min] { $count } мин назад
    [h] { $count } ч назад
   *[d] { $count ->
        [one] { $count } день назад
        [few] { $count } дня назад
       *[other] { $count } дней назад
    }
}

## Выпуск
stories = { $count ->
    [one] { $count } материал
    [few] { $count } материала
   *[other] { $count } материалов
}
issues = { $count ->
    [one] { $count } выпуск
    [few] { $count } выпуска
   *[other] { $count } выпусков
}
view-in-browser = Открыть в браузере
view-in-your-browser = Открыть в браузере
in-this-issue = В этом выпуске
top-stories = Главное
more-in-archive = { $count ->
    [one] Ещё { $count } материал в архиве
    [few] Ещё { $count } материала в архиве
   *[other] Ещё { $count } материалов в архиве
}
most-read = { $window ->
    [now] Самое читаемое сейчас
    [today] Самое читаемое за день
   *[week] Самое читаемое за неделю
}
most-read-rank = { $window ->
    [now] № { $rank } в «Самом читаемом сейчас»
    [today] № { $rank } в «Самом читаемом за день»
   *[week] № { $rank } в «Самом читаемом за неделю»
}
jump-to-story = (перейти к материалу)
topic-page = (все материалы по теме)
also-in = Также в
read-also = Читайте также
topics = Темы
sections = Разделы
times-in-zone = время указано по часовому поясу { $zone }.
page-times-in-zone = время по часовому поясу { $zone }
sent-to = Это письмо отправлено на адрес { $address }, потому что вы подписаны на «{ $site }».
sent-to-text = Это письмо отправлено на адрес { $address },
because-subscribed = потому что вы подписаны на «{ $site }».
times-shown-in = Время указано по часовому поясу { $zone }.
past-issues = Архив выпусков
manage-subscription = Управление подпиской
unsubscribe = Отписаться
read-on-web = Читать выпуск на сайте
all-issues-of = Все выпуски «{ $site }»

## Архив
all-issues = Все выпуски
all-issues-title = все выпуски
archive = Архив
follow-in-reader = Подписаться в RSS-читалке
no-issues = Выпусков пока нет.

## Темы и разделы архива
listing-kind = { $kind ->
    [topic] Тема
    [section] Раздел
   *[index] Темы и разделы
}
stories-newest-first = { $count ->
    [one] { $count } материал, сначала новые
    [few] { $count } материала, сначала новые
   *[other] { $count } материалов, сначала новые
}
in-the-issue-of = выпуск:
listing-recent = { $count ->
    [one] Из последних { $count } выпуска; более ранние — в архиве.
   *[other] Из последних { $count } выпусков; более ранние — в архиве.
}

## Ленты
feed-digest-description = Все выпуски «{ $edition }» в том виде, в каком они вышли.
feed-section-description = Материалы раздела «{ $section }», отобранные для «{ $edition }».

## Страницы для читателей (подписка, подтверждение, настройки, поиск), отписка, 404.
page-not-accepted = Не принято
page-not-accepted-text = Форма отправлена с другого сайта. Ничего не изменилось.
page-try-later = Попробуйте позже
page-try-later-text = У нас что-то пошло не так. Ничего не изменилось; попробуйте позже.
page-subscribe = Подписка
page-check-inbox = Проверьте почту
check-inbox-text = Если на этот адрес можно получать «{ $site }», на него уже отправлено письмо со ссылкой. Откройте её в течение { $hours ->
    [one] { $hours } часа
   *[other] { $hours } часов
}, чтобы подтвердить подписку.
check-inbox-spam = Письмо не пришло? Проверьте папку «Спам»; повторить запрос можно завтра.
page-too-many = Слишком много запросов
too-many-text = За последний час из вашей сети было слишком много подписок. Попробуйте позже.
form-expired = Срок действия формы истёк, или она отправлена не с этого сайта. Отправьте её ещё раз.
form-bad-address = Введите адрес электронной почты, например name@example.com.
form-no-section = Выберите хотя бы один раздел.
form-no-edition = Выберите хотя бы один выпуск.
form-email = Адрес электронной почты
form-trap = Оставьте пустым
form-subscribe = Подписаться
form-name = Ваше имя (необязательно, для обращения)
form-sections = Разделы
form-editions = Выпуски
form-format = Формат
form-format-html = HTML (с текстовой версией)
form-format-text = Только текст
form-time-zone = Ваш часовой пояс (для времени в письмах)
page-link-broken = Ссылка не работает
link-expired = Срок действия ссылки для подтверждения истёк. { $link }, чтобы получить новую.
sign-up-again = Подпишитесь снова
link-invalid = Ссылка неполная или выдана не нами. Ничего не изменилось.
page-confirm = Подтвердите подписку
confirm-text = Нажмите кнопку, чтобы получать «{ $site }».
confirm-button = Подтвердить подписку
manage-link = Выбрать разделы, формат и часовой пояс
manage-text = { $link } можно в любое время.
page-subscribed = Вы подписаны
subscribed-text = Спасибо: «{ $site }» будет приходить вам начиная со следующего выпуска.
page-nothing-to-confirm = Нечего подтверждать
nothing-to-confirm-text = Для этого адреса нет ожидающей подписки (возможно, прошло больше двух дней). { $link }.
preferences-link-invalid = Ссылка неполная или выдана не нами. Воспользуйтесь ссылкой «Управление подпиской» из недавнего письма.
page-preferences = Ваша подписка
preferences-of = Подписка { $address } на «{ $site }».
preferences-receive = Вы её получаете.
preferences-unsubscribed = Вы отписались: вам ничего не отправляется.
preferences-not-subscribed = Вы не подписаны.
preferences-by-hand = Вашу подписку редакция ведёт вручную: чтобы изменить разделы или формат, напишите редакции.
preferences-apply = Изменения вступят в силу со следующего выпуска.
preferences-save = Сохранить
preferences-subscribe = Подписаться
preferences-resubscribe = Подписаться снова
preferences-unsubscribe = Отписаться
preferences-data = Ваши данные
preferences-data-text = Мы храним ваш адрес, выбранные выше настройки, дату подписки и список отправленных вам выпусков. Никаких следящих пикселей и переадресованных ссылок.
preferences-download = Скачать всё, что о вас хранится (JSON)
preferences-delete = Удалить всё, что о вас хранится
note-unsubscribed = Вы отписались. Больше ничего отправляться не будет.
note-resubscribed = Вы снова подписаны, начиная со следующего выпуска.
note-by-hand = Вашу подписку ведут вручную: ничего не изменилось.
note-saved = Сохранено. Настройки вступят в силу со следующего выпуска.
note-not-saved = Вы не подписаны: ничего не сохранено.
page-deleted = Удалено
deleted-by-hand = Вы отписаны, ваши настройки удалены. Редакция хранит ваш адрес в своём списке вручную, с пометкой ничего не отправлять; чтобы его удалили, напишите редакции.
deleted-text = Ваша подписка и настройки удалены. Больше ничего отправляться не будет.
page-search = Поиск
search-label = Поиск по архиву
search-button = Найти
search-found = { $count ->
    [0] Ничего не найдено
    [one] { $count } материал
    [few] { $count } материала
   *[other] { $count } материалов
} по запросу «{ $query }».
page-unsubscribe = Отписка
unsubscribe-question = Больше не присылать «{ $site }» на адрес { $address }?
unsubscribe-button = Отписаться
page-unsubscribed = Вы отписались
unsubscribed-text = Вы больше не будете получать эту рассылку.
page-link-not-valid = Ссылка недействительна
unsubscribe-invalid = Ссылка для отписки неполная или выдана не нами. Ничего не изменилось.
page-not-found = Страница не найдена
not-found-text = По этому адресу страницы нет. Все выпуски есть в { $link }.
archive-link = архиве
subscribe-intro = Получайте «{ $site }» по электронной почте. Мы пришлём ссылку для подтверждения; до этого ничего отправляться не будет. В каждом письме есть ссылка, чтобы изменить настройки или отписаться.

## Письма о подписке (только текст); { $url } стоит на отдельной строке.
notice-confirm-subject = Подтвердите подписку на «{ $site }»
notice-confirm-text = Кто-то, вероятно вы, попросил присылать «{ $site }» на этот адрес.

    Чтобы подтвердить, откройте ссылку и нажмите кнопку:

    { $url }

    Ссылка действует до { $until } UTC. Если вы ничего не просили, не обращайте внимания на это письмо: вам ничего не будет отправлено.
notice-already-subject = Вы уже получаете «{ $site }»
notice-already-text = Кто-то, вероятно вы, попросил подписать этот адрес на «{ $site }», но он уже подписан. Ничего не изменилось.

    Чтобы выбрать разделы, формат или часовой пояс либо отписаться:

    { $url }

## Сайт предпросмотра для редактора (`pressroom preview --serve`).
preview = Предпросмотр pressroom
preview-error = Предпросмотр pressroom: ошибка
preview-cannot-render = Не удалось построить предпросмотр
preview-fix-and-reload = Исправьте ошибку и обновите страницу.
preview-next-issues = Следующие выпуски в том виде, в каком их получит каждая аудитория:
preview-subscribers = { $count ->
    [one] { $count } подписчик
    [few] { $count } подписчика
   *[other] { $count } подписчиков
}
preview-nav = Предпросмотр
preview-all-editions = Все выпуски
preview-page = Предпросмотр: { $issue }
preview-frame = Письмо «{ $title }» { $issue } в том виде, в каком его получит аудитория { $audience }
preview-held = Будет задержан, а не отправлен:
preview-ranking = Рейтинг
preview-position = место
preview-title = заголовок
preview-outlet = издание
preview-score = балл
preview-recency = свежесть
preview-most-read = самое читаемое
preview-outlets = изданий
preview-note = примечание
preview-actions = действия
preview-lead = главное
preview-pinned = закреплён
preview-also-in = также в { $outlets }
preview-not-selected = не отобран
preview-pin-to-lead = Сделать главным
preview-drop = Убрать
preview-reset = Вернуть
preview-sources = Источники
preview-source = источник
preview-state = состояние
preview-stories = материалы
preview-last-error = последняя ошибка
preview-source-ok = в порядке
preview-source-failing = СБОИТ ({ $count })
preview-items = { $count ->
    [one] { $count } материал
    [few] { $count } материала
   *[other] { $count } материалов
}
preview-reader = Читатель

## Языки
language-name = Русский
form-language = Язык писем
